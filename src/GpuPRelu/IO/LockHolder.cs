using System.Diagnostics;
using System.Globalization;

namespace GpuPRelu.IO;

/// <summary>Who holds an output folder's lock file (OutputFolder): "pid N", "host NAME", "boot ID" and "started TICKS"
/// lines. `Started` is the kernel's start time of the process (field 22 of /proc/PID/stat, clock ticks since boot) and
/// `Boot` the kernel's boot id: both are read the same way by every process of the machine, so another process can
/// tell the holder from a later process that reuses its pid. 0 and "" where they could not be read.</summary>
internal sealed record LockHolder(int Pid, string Host, string Boot, long Started)
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>This process, as its lock file records it.</summary>
    public static LockHolder Current()
    {
        int pid = Environment.ProcessId;
        return new LockHolder(pid, Environment.MachineName, BootId(), StartTicks(pid) ?? 0);
    }

    /// <summary>The lock file's text.</summary>
    public string Text() => string.Create(CultureInfo.InvariantCulture, $"pid {Pid}\nhost {Host}\nboot {Boot}\nstarted {Started}\n");

    /// <summary>The holder recorded in `path`; a file that cannot be read or parsed gives pid 0 (stale).</summary>
    public static LockHolder Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new LockHolder(0, "?", "", 0);
        }
        string Field(string key) => lines.FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..].Trim() ?? "";
        _ = int.TryParse(Field("pid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid);
        _ = long.TryParse(Field("started"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long started);
        return new LockHolder(pid, Field("host") is { Length: > 0 } h ? h : "?", Field("boot"), started);
    }

    /// <summary>Whether the holding run may still be going. A lock of another host is alive (its processes cannot be seen
    /// from here). On this host it is dead when the machine has rebooted since (another boot id), when no process has the
    /// pid, when that process is a zombie, or when the process with the pid started at another time (a reused pid). Where
    /// the start time cannot be read (no /proc, a lock without it), a process with the pid counts as alive: a live run is
    /// never taken for a dead one.</summary>
    public bool IsAlive()
    {
        if (Pid <= 0)
            return false;
        if (Host != Environment.MachineName)
            return true;
        if (Boot.Length > 0 && BootId() is { Length: > 0 } boot && boot != Boot)
            return false;
        if (Directory.Exists("/proc/self"))
        {
            if (!Directory.Exists($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}"))
                return false;
            var stat = StatFields(Pid);
            if (stat is null)
                return true;
            if (stat[0] == "Z" || stat[0] == "X")
                return false;
            // a lock written without the boot id (an older format) recorded another clock: only the pid can be trusted
            return Boot.Length == 0 || Started <= 0 || StartTicks(stat) is not { } ticks || ticks == Started;
        }
        try
        {
            using var process = Process.GetProcessById(Pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }

    private static string BootId()
    {
        try
        {
            return File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static long? StartTicks(int pid) => StatFields(pid) is { } fields ? StartTicks(fields) : null;

    // the fields after "pid (comm)": state is field 3 of proc(5), so the start time (field 22) is index 19
    private static long? StartTicks(string[] fields) =>
        fields.Length > 19 && long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out long t) ? t : null;

    // /proc/PID/stat split after the command name, which may itself hold spaces and parentheses; null where unreadable
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            int close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
