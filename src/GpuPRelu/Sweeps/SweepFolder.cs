using System.Text.Json;
using GpuPRelu.IO;

namespace GpuPRelu.Sweeps;

/// <summary>plan.json of a sweep folder: the plan's hash, the spec and options it was built from (so `--resume DIR`
/// needs no config) and its batches (networks, bytes, flops). Every shard's folder holds the same file.</summary>
public static class SweepFolder
{
    public const string Format = "gpuprelu-sweep-plan";
    public const int Version = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>plan.json in `dir`.</summary>
    public static string PlanPath(string dir) => Path.Combine(dir, "plan.json");

    /// <summary>Writes plan.json (atomically).</summary>
    public static void Write(string dir, SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        AtomicFile.WriteText(PlanPath(dir), JsonSerializer.Serialize(new
        {
            format = Format,
            version = Version,
            hash = plan.Hash,
            networks = plan.Networks.Count(),
            phases = SweepOptions.Name(plan.Options.Phases),
            batch_memory_mib = plan.Options.BatchMemoryMib,
            max_networks = plan.Options.MaxNetworks,
            allow_large = plan.Options.AllowLarge,
            spec = new
            {
                @fixed = plan.Spec.Fixed.Select(f => new[] { f.Key, f.Value }),
                axes = plan.Spec.Axes.Select(a => new { keys = a.Keys, steps = a.Steps }),
            },
            batches = plan.Batches.Select(b => new { name = b.Name, networks = b.Networks.Select(n => n.Id), bytes = b.Bytes, flops = b.Flops }),
        }, Indented) + "\n");
    }

    /// <summary>The plan of the folder `dir`, rebuilt from its plan.json and checked against the stored hash; null when the
    /// folder has no plan.json. A file that is not a sweep plan throws InvalidDataException naming it.</summary>
    public static SweepPlan? Read(string dir)
    {
        var path = PlanPath(dir);
        if (!File.Exists(path))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("version").GetInt32() != Version)
                throw new InvalidDataException($"{path}: not a {Format} v{Version} file");
            var spec = root.GetProperty("spec");
            var plan = SweepPlan.Build(new SweepSpec
            {
                Fixed = [.. spec.GetProperty("fixed").EnumerateArray().Select(f => new KeyValuePair<string, string>(f[0].GetString()!, f[1].GetString()!))],
                Axes = [.. spec.GetProperty("axes").EnumerateArray().Select(a => new SweepAxis(
                    [.. a.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!)],
                    [.. a.GetProperty("steps").EnumerateArray().Select(s => (IReadOnlyList<string>)[.. s.EnumerateArray().Select(v => v.GetString()!)])]))],
            }, new SweepOptions
            {
                Phases = SweepOptions.ParsePhases(root.GetProperty("phases").GetString()!),
                BatchMemoryMib = root.GetProperty("batch_memory_mib").GetInt64(),
                MaxNetworks = root.GetProperty("max_networks").GetInt64(),
                AllowLarge = root.GetProperty("allow_large").GetBoolean(),
            });
            var stored = root.GetProperty("hash").GetString();
            if (plan.Hash != stored)
                throw new InvalidDataException($"{path}: its spec plans to {plan.ShortHash}, not its recorded hash {stored?[..Math.Min(12, stored.Length)]} (a plan of another version of gpuprelu?)");
            return plan;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a readable sweep plan ({ex.Message})", ex);
        }
    }

    /// <summary>The hash recorded in a folder's plan.json without rebuilding the plan (merge's check); null when absent.</summary>
    public static string? StoredHash(string dir)
    {
        var path = PlanPath(dir);
        if (!File.Exists(path))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.GetProperty("hash").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a readable sweep plan ({ex.Message})", ex);
        }
    }
}
