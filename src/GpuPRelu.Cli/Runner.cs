using System.CommandLine;
using GpuPRelu.IO;

namespace GpuPRelu.Cli;

/// <summary>Runs a command line and maps failures to exit codes: 0 success, 2 usage or validation error (bad flags,
/// config, input files, output folder), 1 runtime failure, 130 / 143 cancelled by SIGINT / SIGTERM. Messages are one line
/// each; --verbose adds the stack trace.</summary>
public static class Runner
{
    /// <summary>Parses and invokes; returns the exit code.</summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        // .NET decodes the arguments as UTF-8 and puts U+FFFD for bytes that are not: such a file or folder name cannot be
        // opened or made again (it would name another, or make one with U+FFFD in it)
        if (Undecodable(args) is { Count: > 0 } names)
        {
            foreach (var line in names)
                Console.Error.WriteLine($"error: {line}");
            return 2;
        }
        using var interrupts = Interrupts.Listen();
        try
        {
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            return interrupts.Signal != 0 ? Cancelled(interrupts.Signal, "after the work had ended") : code == 1 && parse.Errors.Count > 0 ? 2 : code;
        }
        catch (OperationCanceledException) when (interrupts.Signal != 0)
        {
            return Cancelled(interrupts.Signal, "at the next step; what was complete is written, manifest status 'cancelled'");
        }
        catch (Exception ex) when (IsUsage(ex))
        {
            foreach (var line in ex is UsageException u ? u.Errors : [ex.Message])
                Console.Error.WriteLine($"error: {line}");
            if (verbose)
                Console.Error.WriteLine(ex);
            return 2;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"failed: {ex.Message}");
            if (verbose)
                Console.Error.WriteLine(ex);
            return 1;
        }
        finally
        {
            CommonOptions.ReleaseOut();
        }
    }

    // each argument holding U+FFFD, named by the option before it
    private static List<string> Undecodable(string[] args) =>
    [
        .. args.Select((a, i) => (a, i)).Where(x => x.a.Contains('\uFFFD', StringComparison.Ordinal)).Select(x =>
            $"{(x.i > 0 && args[x.i - 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i - 1].TrimStart('-') : $"argument {x.i + 1}")}: '{x.a}' is not valid UTF-8 "
            + "(or holds U+FFFD, which stands for bytes that are not); such a name cannot be opened or made again here: rename the file or folder, or give another"),
    ];

    // one line on stderr; the shell's convention 128 + the signal's number
    private static int Cancelled(int signal, string how)
    {
        Console.Error.WriteLine($"cancelled by {(signal == 2 ? "SIGINT" : "SIGTERM")}: stopped {how}");
        return 128 + signal;
    }

    private static bool IsUsage(Exception ex) =>
        ex is UsageException or FormatException or InvalidDataException or FileNotFoundException or OutputFolderException
            or InsufficientMemoryException;
}
