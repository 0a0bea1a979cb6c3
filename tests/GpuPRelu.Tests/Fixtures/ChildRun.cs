using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Xunit;
using Xunit.v3;

[assembly: GpuPRelu.Tests.Fixtures.ChildRun.EndsItsChildren]

namespace GpuPRelu.Tests.Fixtures;

/// <summary>A `gpuprelu` child process (the built gpuprelu.dll under `dotnet`), for tests that need a second real
/// process: signals, kill -9, two runs at one folder.</summary>
internal static class ChildRun
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // every child a test started (pid, start time), with the test's id: a test that fails before its child ends would
    // leave it running (a certify child went on for minutes after its test and the test host had ended)
    private static readonly ConcurrentDictionary<(int Pid, DateTime Start), string> Started = new();

    /// <summary>Starts `info` as a child of the current test; EndsItsChildren kills it if it outlives the test.</summary>
    public static Process Start(ProcessStartInfo info)
    {
        var child = Process.Start(info)!;
        Started[(child.Id, child.StartTime)] = TestContext.Current.Test?.UniqueID ?? "";
        return child;
    }

    /// <summary>After each test: kills (with their trees) the children it started that are still running, found by pid
    /// and start time (the test may have disposed its Process object when an assertion failed).</summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class EndsItsChildrenAttribute : BeforeAfterTestAttribute
    {
        public override void After(MethodInfo methodUnderTest, IXunitTest test)
        {
            ArgumentNullException.ThrowIfNull(test);
            foreach (var (key, id) in Started)
            {
                if (id != test.UniqueID || !Started.TryRemove(key, out _))
                    continue;
                try
                {
                    using var child = Process.GetProcessById(key.Pid);
                    if (child.StartTime == key.Start && !child.HasExited)
                        child.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                    // it has ended
                }
                catch (InvalidOperationException)
                {
                    // it ended while we looked
                }
            }
        }
    }

    /// <summary>How every test starts a child: `dotnet gpuprelu.dll args…`, stdout and stderr redirected, without the
    /// test host's Slurm array variables. The child runs with tiered compilation: the tool turns it off for its long SIMD
    /// loops, but a test's child does a second of work, and compiling every method fully optimized first made each start
    /// ~0.45 s slower (tiny train: 1.2 s → 0.75 s). The results are the same bytes either way.</summary>
    public static ProcessStartInfo Info(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gpuprelu.dll"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment.Remove("SLURM_ARRAY_TASK_ID");
        start.Environment["DOTNET_TieredCompilation"] = "1";
        start.Environment["DOTNET_TieredPGO"] = "0";
        return start;
    }

    /// <summary>Starts `gpuprelu args` (Info) as a child of the current test, its output captured.</summary>
    public static Process Start(params string[] args) => Start(Info(args));

    /// <summary>Starts `gpuprelu args` and returns once a stdout line contains `ready`; stdout keeps draining after.</summary>
    public static (Process Child, Task<string> Err) StartUntil(string ready, params string[] args)
    {
        var child = Start(args);
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
