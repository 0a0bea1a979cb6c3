using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace GpuPRelu.Cli;

/// <summary>Shows long work: a Spectre.Console progress bar with ETA on a terminal, plain log lines (at most one every
/// few seconds, plus the last) when the output is redirected.</summary>
internal static class ProgressReporter
{
    public static T Run<T>(string title, Func<Action<string>, Action<double>, T> work)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var clock = Stopwatch.StartNew();
            var lastLine = TimeSpan.FromSeconds(-10);
            string pending = "";
            double done = 0;
            void Log(string line)
            {
                pending = line;
                if (clock.Elapsed - lastLine < TimeSpan.FromSeconds(3) && done < 1)
                    return;
                lastLine = clock.Elapsed;
                string eta = done > 0 && done < 1 ? $"  eta {TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (1 - done) / done):hh\\:mm\\:ss}" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed:hh\\:mm\\:ss} {100 * done,5:0.0}%{eta}] {line}"));
            }
            return work(Log, f => done = f);
        }
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1.0);
                return work(line => task.Description = Markup.Escape(line.Length > 70 ? line[..70] : line), f => task.Value = f);
            });
    }
}
