using System.Diagnostics;
using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Runs the `gpuprelu` command line in process (its assembly's entry point) with stdout and stderr captured.
/// The console is process-wide, so CLI tests share the Cli collection and run one at a time.</summary>
internal static class Gpuprelu
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var entry = typeof(GpuPRelu.Cli.Runner).Assembly.EntryPoint!;
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var outWriter = new StringWriter();
        using var errWriter = new StringWriter();
        Console.SetOut(outWriter);
        Console.SetError(errWriter);
        try
        {
            int code = (int)entry.Invoke(null, [args])!;
            return (code, outWriter.ToString(), errWriter.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>Starts the built `gpuprelu` as a child process (a real process to kill), its output read and dropped.</summary>
    public static Process Start(params string[] args)
    {
        var child = ChildRun.Start(args);
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }
}

/// <summary>The collection of tests that run the command line (they redirect the process-wide console).</summary>
[CollectionDefinition(Name)]
public sealed class CliGroup
{
    public const string Name = "cli";
}
