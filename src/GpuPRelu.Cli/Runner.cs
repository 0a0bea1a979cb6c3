using System.CommandLine;

namespace GpuPRelu.Cli;

/// <summary>Runs a command line and maps failures to exit codes: 0 success, 2 usage or validation error (bad flags,
/// config, input files), 1 runtime failure. Messages are one line each; --verbose adds the stack trace.</summary>
public static class Runner
{
    /// <summary>Parses and invokes; returns the exit code.</summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        try
        {
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return code == 1 && parse.Errors.Count > 0 ? 2 : code;
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
    }

    private static bool IsUsage(Exception ex) => ex is UsageException or FormatException or InvalidDataException or FileNotFoundException;
}
