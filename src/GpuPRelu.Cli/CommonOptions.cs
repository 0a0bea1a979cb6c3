using System.CommandLine;
using System.Text.Json;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Training;

namespace GpuPRelu.Cli;

/// <summary>Options every verb shares, and their parsing.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "print stack traces of errors", Recursive = true };

    public static Option<string> Device() => new("--device") { Description = "auto | cuda | opencl | cpu | ilgpu-cpu, optionally :index (cuda:1; see 'gpuprelu devices'). auto: CUDA, then OpenCL, then the managed CPU path; ilgpu-cpu: ILGPU's CPU accelerator", DefaultValueFactory = _ => "auto" };

    public static Option<string> Out(string fallback) => new("--out") { Description = "output folder", DefaultValueFactory = _ => fallback };

    public static Option<bool> Overwrite() => new("--overwrite") { Description = "write into an output folder that is not empty" };

    /// <summary>Parses --device and checks that the device is present here, before any work and before the output folder.</summary>
    public static DeviceSpec ParseDevice(string text)
    {
        var spec = DeviceSpec.Parse(text);
        return ComputeDevice.Unavailable(spec) is { } reason ? throw new UsageException($"--device {text}: {reason}") : spec;
    }

    private static readonly List<OutputFolder> Held = [];

    /// <summary>Creates and locks the output folder (OutputFolder.Open); refuses one that holds files unless overwrite,
    /// which clears the tool's earlier outputs and says so. Runner releases the lock when the verb ends.</summary>
    public static string PrepareOut(string dir, bool overwrite)
    {
        // a signal while the inputs were read: stop before the folder exists
        Interrupts.Token.ThrowIfCancellationRequested();
        var folder = OutputFolder.Open(dir, overwrite, Console.WriteLine);
        lock (Held)
            Held.Add(folder);
        return folder.Path;
    }

    /// <summary>Creates and locks a folder that a run continues whatever it holds (OutputFolder.Hold: sweep, merge,
    /// train --resume); a live run's lock refuses it. Runner releases the lock when the verb ends.</summary>
    public static string HoldOut(string dir)
    {
        Interrupts.Token.ThrowIfCancellationRequested();
        var folder = OutputFolder.Hold(dir, Console.WriteLine);
        lock (Held)
            Held.Add(folder);
        return folder.Path;
    }

    /// <summary>--resume of a verb that checkpoints (train, fig2, fig5, mnist, probe).</summary>
    public static Option<bool> Resume(string verb) => new("--resume")
    {
        Description = $"continue the {verb} run in --out after a kill: its training from OUT/checkpoint, its finished phases kept "
            + "(or start it when the folder is empty; give the flags that started it); checkpoints every --checkpoint-minutes (10)",
    };

    /// <summary>The output folder of a run of `verb` that may checkpoint: with `resuming`, an absent or empty folder or one
    /// of a `verb` run (its manifest.json), locked and kept as it is (a checkpoint there is continued); else PrepareOut, and
    /// a checkpoint an earlier run left is removed (never resumed unasked). Says when a checkpoint is continued.</summary>
    public static string PrepareRun(string dir, bool overwrite, bool resuming, string verb)
    {
        string outDir;
        if (resuming)
        {
            if (OutputFolder.Problem(dir) is { } problem)
                throw new UsageException(problem);
            var full = Path.GetFullPath(dir);
            if (OutputFolder.HoldsEntries(full) && !IsRunOf(Path.Combine(full, "manifest.json"), verb))
                throw new UsageException($"resume: '{dir}' is not the folder of a {verb} run (no manifest.json of '{verb}'); give the run's --out, or an empty folder to start one");
            outDir = HoldOut(dir);
        }
        else
        {
            outDir = PrepareOut(dir, overwrite);
        }
        var checkpoint = Path.Combine(outDir, TrainExperiment.CheckpointFolder);
        if (!resuming && Directory.Exists(checkpoint))
            Directory.Delete(checkpoint, recursive: true);
        if (resuming && (TrainingCheckpoint.Exists(checkpoint) || PhaseRecord.Exists(checkpoint)))
            Console.WriteLine($"resuming from {checkpoint}");
        return outDir;
    }

    private static bool IsRunOf(string manifest, string verb)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            return doc.RootElement.TryGetProperty("command", out var command) && command.ValueEquals(verb);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    /// <summary>Releases the locks of the output folders this invocation opened.</summary>
    public static void ReleaseOut()
    {
        lock (Held)
        {
            foreach (var folder in Held)
                folder.Dispose();
            Held.Clear();
        }
    }

    /// <summary>Refuses a config that breaks any rule (one line each), before the output folder or the device exist.</summary>
    public static void Refuse(IReadOnlyList<string> errors)
    {
        if (errors.Count > 0)
            throw new UsageException(errors);
    }

    /// <summary>Opens the device and says which it is (and that auto picked it).</summary>
    public static ComputeDevice Open(DeviceSpec spec)
    {
        var device = ComputeDevice.Open(spec);
        Console.WriteLine($"device {device.Description}{(spec.Kind == DeviceKind.Auto ? " (picked by auto)" : "")}");
        return device;
    }
}
