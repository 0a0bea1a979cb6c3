using System.Diagnostics;
using System.Globalization;

namespace GpuPRelu.IO;

/// <summary>Who holds an output folder's lock file (OutputFolder): "pid N", "host NAME" and "started TICKS" lines.</summary>
internal sealed record LockHolder(int Pid, string Host, long Started)
{
    /// <summary>The holder recorded in `path`; a file that cannot be read or parsed gives pid 0 (stale).</summary>
    public static LockHolder Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return new LockHolder(0, "?", 0);
        }
        string Field(string key) => lines.FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..].Trim() ?? "";
        _ = int.TryParse(Field("pid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid);
        _ = long.TryParse(Field("started"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long started);
        return new LockHolder(pid, Field("host") is { Length: > 0 } h ? h : "?", started);
    }

    /// <summary>Whether the holding run may still be going: a lock of another host is taken as alive (its processes
    /// cannot be seen from here); on this host, the process with that pid must exist and have the recorded start time
    /// (a reused pid is another process).</summary>
    public bool IsAlive()
    {
        if (Pid <= 0)
            return false;
        if (Host != Environment.MachineName)
            return true;
        try
        {
            using var process = Process.GetProcessById(Pid);
            return !process.HasExited && process.StartTime.ToUniversalTime().Ticks == Started;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
