namespace GpuPRelu.IO;

/// <summary>The output folder of one run (--out): checked (a folder name, not a file nor under one), created, held by an
/// exclusive lock file (LockHolder: pid, host, boot id and the kernel's start time of the process; a lock whose process
/// is gone is stale and taken over) and,
/// with overwrite, cleared of what an earlier run of the tool wrote (its known outputs and leftover temporary files).
/// Every refusal throws OutputFolderException with one sentence naming the folder and the rule. Dispose releases the lock.</summary>
public sealed class OutputFolder : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string LockName = ".gpuprelu.lock";

    /// <summary>Files the tool writes into an output folder (every verb); --overwrite removes these, plus every name
    /// matching KnownPatterns, before a run. A new output belongs here.</summary>
    public static readonly IReadOnlyList<string> KnownOutputs =
    [
        "manifest.json", "training.csv", "summary.csv", "networks.safetensors", "robust_accuracy.csv", "min_radius.csv",
        "evaluation.csv", "logits.csv", "alignment.csv", "cosines.csv", "neurons.csv", "distance.csv", "dynamics.csv",
        "bench.csv", "certified.csv", "report.md", "dynamics.png", "a_distance.png", "b_contributions.png", "e_robust_accuracy.png",
        "a_correlation.png", "b_accuracy.png", "c_stable_rank.png", "d_robust_accuracy.png", "f_radius_distribution.png",
        "points.csv", "adversarial.safetensors", "compare.csv",
    ];

    /// <summary>Name patterns (Directory.EnumerateFiles syntax) of outputs whose names vary (plots per p) and of the
    /// temporary files an interrupted atomic write leaves (AtomicFile, SafeTensors).</summary>
    public static readonly IReadOnlyList<string> KnownPatterns = ["c_cosines_p*.png", "d_cosines_p*.png", "*.tmp-*"];

    /// <summary>Folders the tool writes into an output folder: a run's checkpoint (training state, finished phases).</summary>
    public static readonly IReadOnlyList<string> KnownFolders = ["checkpoint"];

    private readonly string _lockPath;
    private readonly string _lockText;

    private OutputFolder(string path, string lockPath, string lockText)
    {
        Path = path;
        _lockPath = lockPath;
        _lockText = lockText;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>null when `dir` can name an output folder (checked without creating anything); otherwise one sentence:
    /// the name is empty or malformed, names an existing file, or lies under a file.</summary>
    public static string? Problem(string dir)
    {
        if (string.IsNullOrWhiteSpace(dir))
            return "out: the folder name is empty; give a folder (--out runs/NAME)";
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(dir);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"out: '{dir}' is not a valid folder name ({ex.Message})";
        }
        if (File.Exists(full))
            return $"out: '{dir}' is a file; give a folder";
        if (SystemFolder(full) is { } system)
            return $"out: '{dir}' is {system}, not a run's folder; give a folder of its own (--out runs/NAME)";
        for (var parent = System.IO.Path.GetDirectoryName(full); parent is not null; parent = System.IO.Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
                return $"out: '{dir}' lies under '{parent}', which is a file; give a folder";
            if (Directory.Exists(parent))
                break;
        }
        return null;
    }

    /// <summary>Checks `dir` (Problem), creates it, takes its lock and refuses a folder that holds files unless
    /// `overwrite`, which removes the known outputs and temporary files of an earlier run first; `say` hears what was
    /// removed or taken over. Throws OutputFolderException naming the folder and the rule.</summary>
    public static OutputFolder Open(string dir, bool overwrite, Action<string>? say = null)
    {
        var folder = Hold(dir, say);
        var full = folder.Path;
        try
        {
            var others = Directory.EnumerateFileSystemEntries(full).Where(e => System.IO.Path.GetFileName(e) != LockName).ToList();
            if (others.Count > 0 && !overwrite)
                throw new OutputFolderException($"out: '{dir}' exists and is not empty; choose another folder or pass --overwrite");
            if (others.Count > 0)
                folder.Clear(dir, say);
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Checks `dir` (Problem), creates it and takes its lock whatever it holds: a folder a run continues (a sweep,
    /// a resumed run in its own folder). Throws OutputFolderException naming the folder and the rule.</summary>
    public static OutputFolder Hold(string dir, Action<string>? say = null) => Lock(dir, Create(dir), say);

    /// <summary>True when `dir` exists and holds anything besides a lock file (a stale one left by a killed run).</summary>
    public static bool HoldsEntries(string dir) =>
        Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any(e => System.IO.Path.GetFileName(e) != LockName);

    // checks `dir` (Problem) and creates it; returns its full path
    private static string Create(string dir)
    {
        if (Problem(dir) is { } problem)
            throw new OutputFolderException(problem);
        var full = System.IO.Path.GetFullPath(dir);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputFolderException($"out: cannot create the folder '{dir}' ({ex.Message}); choose a folder you can write");
        }
        return full;
    }

    /// <summary>Releases the lock (when it is still this run's).</summary>
    public void Dispose()
    {
        try
        {
            if (File.Exists(_lockPath) && File.ReadAllText(_lockPath) == _lockText)
                File.Delete(_lockPath);
        }
        catch (IOException)
        {
            // the folder went away under us: nothing left to release
        }
    }

    // the lock file is written whole under a temporary name, then linked into place, so that it never exists half-written
    private static OutputFolder Lock(string dir, string full, Action<string>? say)
    {
        var lockPath = System.IO.Path.Combine(full, LockName);
        var text = LockHolder.Current().Text();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var temp = lockPath + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                File.WriteAllText(temp, text);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputFolderException($"out: cannot write into the folder '{dir}' ({ex.Message}); choose a folder you can write");
            }
            try
            {
                File.Move(temp, lockPath, overwrite: false);
                return new OutputFolder(full, lockPath, text);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                File.Delete(temp);
            }
            var holder = LockHolder.Read(lockPath);
            if (holder.IsAlive())
            {
                throw new OutputFolderException($"out: '{dir}' is in use by another run (pid {holder.Pid} on {holder.Host}, lock file {lockPath}); "
                    + "wait for it to end or choose another folder" + (holder.Host == Environment.MachineName ? "" : "; delete the lock file if that run is over"));
            }
            say?.Invoke($"out: took over the stale lock of pid {holder.Pid} on {holder.Host} (that process is gone)");
            File.Delete(lockPath);
        }
        throw new OutputFolderException($"out: could not take the lock file {lockPath}; another run keeps taking it");
    }

    private void Clear(string dir, Action<string>? say)
    {
        var removed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in KnownOutputs.Where(n => File.Exists(System.IO.Path.Combine(Path, n))))
            removed.Add(name);
        foreach (var pattern in KnownPatterns)
        {
            foreach (var file in Directory.EnumerateFiles(Path, pattern).Where(f => f != _lockPath))
                removed.Add(System.IO.Path.GetFileName(file));
        }
        foreach (var name in removed)
            File.Delete(System.IO.Path.Combine(Path, name));
        foreach (var name in KnownFolders.Where(n => Directory.Exists(System.IO.Path.Combine(Path, n))))
        {
            Directory.Delete(System.IO.Path.Combine(Path, name), recursive: true);
            removed.Add(name + "/");
        }
        var kept = Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Where(n => n != LockName).Order(StringComparer.Ordinal).ToList();
        say?.Invoke($"overwrite: removed {removed.Count} file(s) of an earlier run from '{dir}'"
            + (removed.Count > 0 ? $" ({string.Join(", ", removed)})" : "")
            + (kept.Count > 0 ? $"; kept {kept.Count} the tool did not write ({string.Join(", ", kept.Take(5))}{(kept.Count > 5 ? ", …" : "")})" : ""));
    }

    // the root, the user's home and the folders of the operating system are never a run's output folder: --overwrite
    // there would delete files the tool did not write beside its own
    private static string? SystemFolder(string full)
    {
        var trimmed = System.IO.Path.TrimEndingDirectorySeparator(full);
        if (trimmed.Length == 0 || System.IO.Path.GetPathRoot(full) is { } root && System.IO.Path.TrimEndingDirectorySeparator(root) == trimmed)
            return "the root folder";
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0 && System.IO.Path.TrimEndingDirectorySeparator(home) == trimmed)
            return "the home folder";
        string[] system = OperatingSystem.IsWindows()
            ? [Environment.GetFolderPath(Environment.SpecialFolder.Windows), Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles)]
            : ["/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
                "/var", "/usr/bin", "/usr/lib", "/usr/local"];
        return system.Any(f => f.Length > 0 && string.Equals(f, trimmed, StringComparison.Ordinal)) ? $"a system folder ({trimmed})" : null;
    }
}
