using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GpuPRelu.Configs;
using GpuPRelu.Experiments;

namespace GpuPRelu.Sweeps;

/// <summary>A sweep's plan (docs/design.md §5): its networks, each with a stable id, grouped into batches of equal shape-setting
/// keys and split to fit the batch memory. A pure function of the spec and the options: same input, same plan, same
/// hash, on every machine, shard and restart.</summary>
public sealed class SweepPlan
{
    private static readonly JsonSerializerOptions Canonical = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private SweepPlan(SweepSpec spec, SweepOptions options, IReadOnlyList<SweepBatch> batches)
    {
        Spec = spec;
        Options = options;
        Batches = batches;
        var text = new StringBuilder($"gpuprelu sweep plan v1\nphases {SweepOptions.Name(options.Phases)}\nbatch_memory_mib {options.BatchMemoryMib}\n");
        foreach (var b in batches)
            text.Append(b.Name).Append(' ').AppendJoin(',', b.Networks.Select(n => n.Id)).Append('\n');
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public SweepSpec Spec { get; }
    public SweepOptions Options { get; }
    public IReadOnlyList<SweepBatch> Batches { get; }

    /// <summary>SHA-256 (hex) of the phases, the batch memory and every batch's network ids in order.</summary>
    public string Hash { get; }

    /// <summary>The first 12 hex digits of Hash, for messages and folder checks.</summary>
    public string ShortHash => Hash[..12];

    public IEnumerable<SweepNetwork> Networks => Batches.SelectMany(b => b.Networks);

    /// <summary>Plans the spec. Throws FormatException naming the key or axis and the rule: a grid of no networks or of
    /// more than MaxNetworks (without AllowLarge), a value a field refuses, a network that breaks a config rule, the same
    /// network twice, a single network too large for the batch memory.</summary>
    public static SweepPlan Build(SweepSpec spec, SweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        spec = spec.ResolveSeeds();
        if (spec.Axes.FirstOrDefault(a => a.Steps.Count == 0) is { } empty)
            throw new FormatException($"grid: {empty.Name} has no values, so the sweep expands to nothing");
        long count = spec.NetworkCount;
        if (count > options.MaxNetworks && !options.AllowLarge)
        {
            throw new FormatException($"grid: {string.Join(" × ", spec.Axes.Select(a => $"{a.Name} {a.Steps.Count}"))} gives {count} networks, "
                + $"more than --max-networks {options.MaxNetworks}; pass --allow-large to run it anyway");
        }
        var fields = StudyFields.All.ToDictionary(f => f.Key);
        var networks = new List<SweepNetwork>();
        var ids = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>();
        foreach (var settings in spec.Expand())
        {
            var config = new StudyConfig { Snapshots = 0 };
            foreach (var (key, value) in settings)
                config = fields[key].Apply(config, value);
            var swept = settings.Skip(spec.Fixed.Count).ToList();
            // only the keys of the phases that run are judged (a train-only sweep may keep the attack's defaults)
            var errors = config.Validate(options.Phases.HasFlag(SweepPhases.Attack), options.Phases.HasFlag(SweepPhases.Distance),
                options.Phases.HasFlag(SweepPhases.Alignment));
            if (errors.Count > 0)
                throw new FormatException($"network {Describe(swept)}: {string.Join("; ", errors)}");
            var id = Id(config);
            if (ids.TryGetValue(id, out var twin))
                throw new FormatException($"network {Describe(swept)} is the same network as {Describe(twin)}: every network of a sweep must differ");
            ids[id] = swept;
            networks.Add(new SweepNetwork(id, config, swept));
        }
        return new SweepPlan(spec, options, Split(networks, options));
    }

    /// <summary>The stable id of a network's configuration: 12 hex digits of the SHA-256 of its canonical JSON.</summary>
    public static string Id(StudyConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(config, Canonical)))[..12];

    /// <summary>The canonical JSON of a configuration as a tree (for its columns).</summary>
    public static JsonElement Tree(object config) => JsonSerializer.SerializeToElement(config, Canonical);

    /// <summary>The canonical JSON of a configuration (snake_case keys in declaration order, enums by name).</summary>
    public static string Json(object config) => JsonSerializer.Serialize(config, Canonical);

    // groups by every key but p, α and seed (in order of first appearance), then cuts each group into batches that fit
    private static List<SweepBatch> Split(List<SweepNetwork> networks, SweepOptions options)
    {
        var batches = new List<SweepBatch>();
        long budget = options.BatchMemoryMib * 1024 * 1024;
        foreach (var group in networks.GroupBy(n => Json(Shared(n.Config))))
        {
            var members = group.ToList();
            var shared = BatchConfig(members);
            // the most networks one batch fits, then the group cut into that many equal batches (15 = 8 + 7, not 14 + 1)
            int most = 1;
            while (most < members.Count && Fits(shared, members.Take(most + 1).ToList(), budget, options.Phases))
                most++;
            int parts = (members.Count + most - 1) / most, size = (members.Count + parts - 1) / parts;
            for (int start = 0; start < members.Count; start += size)
            {
                var chunk = members.Skip(start).Take(size).ToList();
                long bytes = SweepCost.Bytes(shared, chunk.Count, Sets(chunk), options.Phases);
                if (bytes > budget)
                {
                    throw new FormatException($"network {Describe(chunk[0].Settings)} alone needs {bytes / 1048576.0:0.#} MiB, more than "
                        + $"--batch-memory-mib {options.BatchMemoryMib}; raise it or shrink the network");
                }
                double flops = chunk.Sum(n => SweepCost.Flops(n.Config, options.Phases));
                batches.Add(new SweepBatch(batches.Count, BatchConfig(chunk), chunk, bytes, flops));
            }
        }
        return batches;
    }

    private static bool Fits(StudyConfig shared, List<SweepNetwork> chunk, long budget, SweepPhases phases) =>
        (long)chunk.Count * shared.Train.InputDim * shared.Train.Width < int.MaxValue / 2
        && SweepCost.Bytes(shared, chunk.Count, Sets(chunk), phases) <= budget;

    private static int Sets(List<SweepNetwork> chunk) => chunk.Select(n => (n.Alpha, n.Seed)).Distinct().Count();

    // the configuration with the per-network keys blanked: equal for the networks one batch may hold
    private static StudyConfig Shared(StudyConfig c) => c with { Train = c.Train with { P = [], Alpha = [], Seed = 0 } };

    // the batch's own configuration: the shared keys, with its networks' α and p as increasing lists (for validation)
    private static StudyConfig BatchConfig(List<SweepNetwork> members)
    {
        var c = members[0].Config;
        return c with
        {
            Train = c.Train with
            {
                Alpha = [.. members.Select(n => n.Alpha).Distinct().Order()],
                P = [.. members.Select(n => n.P).Distinct().Order()],
                Seed = members.Min(n => n.Seed),
            },
        };
    }

    /// <summary>"width=50, p=3, seed=1": the swept settings of a network, for messages.</summary>
    public static string Describe(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Count == 0 ? "(no swept keys)" : string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"));
    }
}
