using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuPRelu.IO;

/// <summary>manifest.json of a run: the resolved config, device, engine version, git commit, start and end times and
/// per-phase timings. Written atomically at every phase end, so a failed run still says how far it got.</summary>
public sealed class RunManifest
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly string _path;
    private readonly Stopwatch _phase = Stopwatch.StartNew();

    /// <summary>Starts the manifest of a run writing into folder `outDir`.</summary>
    public RunManifest(string outDir, string command, object config, string device)
    {
        _path = Path.Combine(outDir, "manifest.json");
        Command = command;
        Config = config;
        Device = device;
        Save();
    }

    public string Command { get; }
    public object Config { get; }
    public string Device { get; }
    public string Version { get; } = typeof(RunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
    public string? GitCommit { get; } = FindGitCommit();
    public string Machine { get; } = $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {Environment.OSVersion}";
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? EndedAt { get; private set; }
    public string Status { get; private set; } = "running";
    public Dictionary<string, double> PhaseSeconds { get; } = [];
    public Dictionary<string, object> Results { get; } = [];

    /// <summary>Records the time since the previous phase end under `phase` and saves.</summary>
    public void EndPhase(string phase)
    {
        PhaseSeconds[phase] = Math.Round(_phase.Elapsed.TotalSeconds, 3);
        _phase.Restart();
        Save();
    }

    /// <summary>Marks the run finished ("ok" or a failure message) with its end time and wall time, and saves.</summary>
    public void Finish(string status)
    {
        Status = status;
        EndedAt = DateTimeOffset.UtcNow;
        PhaseSeconds["wall"] = Math.Round((EndedAt.Value - StartedAt).TotalSeconds, 3);
        Save();
    }

    /// <summary>Marks the run ended by `ex`: "cancelled" for a cancellation (a signal), else "failed: message".</summary>
    public void Fail(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        Finish(ex is OperationCanceledException ? "cancelled" : $"failed: {ex.Message}");
    }

    private void Save() => AtomicFile.WriteText(_path, JsonSerializer.Serialize(this, Json));

    // The commit of the checkout the tool runs from, when there is one (runs from a published binary have none).
    private static string? FindGitCommit() => FindGitCommit(AppContext.BaseDirectory);

    /// <summary>The commit checked out in the nearest enclosing repository of `start`: a `.git` folder, or a worktree's
    /// `.git` file ("gitdir: …", whose refs live in the common folder named by its `commondir`).</summary>
    internal static string? FindGitCommit(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            var gitDir = Directory.Exists(git) ? git : File.Exists(git) ? LinkedGitDir(git, dir.FullName) : null;
            if (gitDir is null || !File.Exists(Path.Combine(gitDir, "HEAD")))
                continue;
            var text = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            if (!text.StartsWith("ref: ", StringComparison.Ordinal))
                return text;
            var name = text[5..];
            var commonFile = Path.Combine(gitDir, "commondir");
            var common = File.Exists(commonFile) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonFile).Trim())) : gitDir;
            foreach (var refDir in new[] { gitDir, common })
            {
                var refPath = Path.Combine(refDir, name);
                if (File.Exists(refPath))
                    return File.ReadAllText(refPath).Trim();
            }
            var packed = Path.Combine(common, "packed-refs");
            return File.Exists(packed)
                ? File.ReadLines(packed).FirstOrDefault(l => l.EndsWith(" " + name, StringComparison.Ordinal))?.Split(' ')[0]
                : null;
        }
        return null;
    }

    // a worktree's .git file: "gitdir: <path>", relative to the worktree
    private static string? LinkedGitDir(string file, string worktree)
    {
        var line = File.ReadLines(file).FirstOrDefault() ?? "";
        return line.StartsWith("gitdir: ", StringComparison.Ordinal) ? Path.GetFullPath(Path.Combine(worktree, line[8..].Trim())) : null;
    }
}
