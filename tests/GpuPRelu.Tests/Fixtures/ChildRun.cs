using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>A `gpuprelu` child process (the built gpuprelu.dll under `dotnet`), for tests that need a second real
/// process: signals, kill -9, two runs at one folder.</summary>
internal static class ChildRun
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Starts `gpuprelu args` and returns once a stdout line contains `ready`; stdout keeps draining after.</summary>
    public static (Process Child, Task<string> Err) StartUntil(string ready, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gpuprelu.dll"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        var child = Process.Start(start)!;
        var err = child.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (line.Contains(ready, StringComparison.Ordinal))
            {
                // keep draining stdout so the child never blocks on a full pipe
                _ = child.StandardOutput.ReadToEndAsync();
                return (child, err);
            }
            Assert.True(clock.Elapsed < Patience, $"no '{ready}' line within {Patience}");
        }
        Assert.Fail($"the child ended before printing '{ready}': {err.Result}");
        return default;
    }

    /// <summary>Sends `signal` (INT, TERM, KILL) to the child with kill(1).</summary>
    public static void Signal(Process child, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", child.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
