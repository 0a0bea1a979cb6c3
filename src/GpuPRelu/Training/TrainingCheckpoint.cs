using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Models;

namespace GpuPRelu.Training;

/// <summary>The files of a training checkpoint, in CheckpointOptions.Folder: `state-STEP.safetensors` (θ as "theta" and,
/// for Adam, the moments "adam_m", "adam_v", all F32, the step and epoch in the metadata) and `checkpoint.json`
/// (format "gpuprelu-checkpoint" version 1: the state file's name, epoch, step, each network's diverged flag, every
/// metrics row so far with exact doubles, the device, and the batch's fingerprint). The JSON is written last, atomically,
/// so it always names a complete state file; older state files are deleted after it. Nothing else is needed to resume:
/// the shuffles are counter-based, keyed by (seed, epoch). The fingerprint covers the shape, the options (checkpointing
/// aside), each network's p, α, seed and data set, the data, and the starting θ, centers and p; a checkpoint whose
/// fingerprint differs is refused, naming what differs.</summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The checkpoint's index file; its presence in a folder means "resumable".</summary>
    public const string FileName = "checkpoint.json";

    private const string Format = "gpuprelu-checkpoint";
    private const int Version = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new ExactDouble() },
    };

    private readonly CheckpointOptions _options;
    private readonly Dictionary<string, string> _fingerprint;
    private readonly BatchShapeSizes _sizes;
    private readonly Stopwatch _sinceWrite = Stopwatch.StartNew();

    private TrainingCheckpoint(CheckpointOptions options, Dictionary<string, string> fingerprint, BatchShapeSizes sizes)
    {
        _options = options;
        _fingerprint = fingerprint;
        _sizes = sizes;
    }

    // what a restored state must hold: θ and the moments [ParameterCount], a flag per network
    private readonly record struct BatchShapeSizes(int Parameters, int Networks, bool Adam);

    /// <summary>Whether `folder` holds a checkpoint (of any batch).</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, FileName));

    /// <summary>The saved state of a run: everything Trainer.Train carries from one epoch to the next.</summary>
    internal sealed record State(int Epoch, long Step, float[] Theta, float[]? AdamM, float[]? AdamV, bool[] Diverged,
        NetworkMetrics[] Metrics);

    private sealed record Document(string Format, int Version, Dictionary<string, string> Fingerprint, string StateFile,
        int Epoch, long Step, bool[] Diverged, string Device, DateTimeOffset WrittenAt, NetworkMetrics[] Metrics);

    /// <summary>The checkpoint of a batch about to train: `net` must hold its starting θ (the fingerprint reads it).</summary>
    internal static TrainingCheckpoint For(CheckpointOptions checkpoint, NetworkBatch net, IReadOnlyList<DataSet> trainSets,
        IReadOnlyList<DataSet> testSets, TrainingOptions options)
    {
        var s = net.Shape;
        var o = options with { Checkpoint = null };
        return new TrainingCheckpoint(checkpoint, new Dictionary<string, string>
        {
            ["shape"] = $"B {s.Networks}, D {s.Inputs}, H {s.Hidden}, C {s.Outputs}, bias {s.HasBias}, normalize_input {s.NormalizeInput}",
            ["options"] = Invariant($"{o.Optimizer} {o.Loss} lr {o.Lr:R}, {o.Epochs} epochs, batch {o.BatchSize}, log every {o.LogEvery}, eval rows {o.EvalRows}"),
            ["networks"] = Sha256(h => h.AppendData(Encoding.UTF8.GetBytes(string.Join("\n", net.Networks.Select(n =>
                Invariant($"{n.Index} p {n.P:R} alpha {n.Alpha:R} seed {n.Seed} set {n.DataSet}")))))),
            ["data"] = Sha256(h =>
            {
                foreach (var d in trainSets.Concat(testSets))
                {
                    h.AppendData(MemoryMarshal.AsBytes<int>([d.Samples, d.Inputs, d.Classes]));
                    h.AppendData(MemoryMarshal.AsBytes<float>(d.X));
                    h.AppendData(MemoryMarshal.AsBytes<int>(d.Y));
                }
            }),
            ["start"] = Sha256(h =>
            {
                h.AppendData(MemoryMarshal.AsBytes<float>(net.ThetaToHost()));
                h.AppendData(MemoryMarshal.AsBytes<float>(net.CentersToHost()));
                h.AppendData(MemoryMarshal.AsBytes<float>(net.P.ToHost()));
            }),
        }, new BatchShapeSizes(checked((int)s.ParameterCount), s.Networks, options.Optimizer == OptimizerKind.Adam));
    }

    /// <summary>Whether the state after `epoch` is to be written: `Every` has passed since the last write, or it is the last.</summary>
    internal bool Due(int epoch, int epochs) => epoch == epochs || _sinceWrite.Elapsed >= _options.Every;

    /// <summary>The saved state, or null when the folder holds no checkpoint. Throws InvalidDataException naming the file
    /// when it is malformed, of another format or version, or written for another batch (naming what differs).</summary>
    internal State? Read()
    {
        var path = Path.Combine(_options.Folder, FileName);
        if (!File.Exists(path))
            return null;
        Document doc;
        try
        {
            doc = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty checkpoint");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a checkpoint ({ex.Message})", ex);
        }
        if (doc.Format != Format || doc.Version != Version)
            throw new InvalidDataException($"{path}: format '{doc.Format}' version {doc.Version}; this engine reads '{Format}' version {Version}");
        if (doc.StateFile is null || doc.Diverged is null || doc.Metrics is null || doc.Fingerprint is null)
            throw new InvalidDataException($"{path}: incomplete checkpoint (state_file, diverged, metrics and fingerprint are required)");
        var differ = _fingerprint.Keys.Where(k => doc.Fingerprint.GetValueOrDefault(k) != _fingerprint[k]).ToList();
        if (differ.Count > 0)
            throw new InvalidDataException($"{path} was written for another batch: its {string.Join(", ", differ)} differ"
                + $" ({string.Join("; ", differ.Select(k => $"{k}: checkpoint {doc.Fingerprint.GetValueOrDefault(k) ?? "none"}, this run {_fingerprint[k]}"))})."
                + " Resume with the configuration that wrote it, or delete the folder to start afresh");

        var statePath = Path.Combine(_options.Folder, Path.GetFileName(doc.StateFile));
        var (tensors, meta) = SafeTensors.Read(statePath);
        if (meta.GetValueOrDefault("step") != doc.Step.ToString(CultureInfo.InvariantCulture))
            throw new InvalidDataException($"{statePath}: holds step {meta.GetValueOrDefault("step") ?? "?"}; {FileName} says {doc.Step}");
        float[]? Tensor(string name) => tensors.TryGetValue(name, out var t) ? t.Data : null;
        var theta = Tensor("theta");
        var (m, v) = (Tensor("adam_m"), Tensor("adam_v"));
        if (theta?.Length != _sizes.Parameters || (_sizes.Adam && (m?.Length != _sizes.Parameters || v?.Length != _sizes.Parameters))
            || doc.Diverged.Length != _sizes.Networks)
            throw new InvalidDataException($"{statePath}: expected theta{(_sizes.Adam ? ", adam_m, adam_v" : "")} of {_sizes.Parameters} values "
                + $"and {_sizes.Networks} diverged flags; the checkpoint does not hold them");
        return new State(doc.Epoch, doc.Step, theta, m, v, doc.Diverged, doc.Metrics);
    }

    /// <summary>Writes `state` (state file first, then the JSON that names it, each atomically), then deletes older state
    /// files and temporary files left by an interrupted write.</summary>
    internal void Write(State state, string device)
    {
        Directory.CreateDirectory(_options.Folder);
        string stateFile = string.Create(CultureInfo.InvariantCulture, $"state-{state.Step:D12}.safetensors");
        var tensors = new List<SafeTensor> { new("theta", [state.Theta.Length], state.Theta) };
        if (state.AdamM is not null && state.AdamV is not null)
            tensors.AddRange([new("adam_m", [state.AdamM.Length], state.AdamM), new("adam_v", [state.AdamV.Length], state.AdamV)]);
        SafeTensors.Write(Path.Combine(_options.Folder, stateFile), tensors, new Dictionary<string, string>
        {
            ["step"] = state.Step.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = state.Epoch.ToString(CultureInfo.InvariantCulture),
        });
        var doc = new Document(Format, Version, _fingerprint, stateFile, state.Epoch, state.Step, state.Diverged, device,
            DateTimeOffset.UtcNow, state.Metrics);
        AtomicFile.WriteText(Path.Combine(_options.Folder, FileName), JsonSerializer.Serialize(doc, Json));
        foreach (var stale in Directory.EnumerateFiles(_options.Folder)
            .Where(f => Path.GetFileName(f) is var name && (name.Contains(".tmp-", StringComparison.Ordinal)
                || (name.StartsWith("state-", StringComparison.Ordinal) && name != stateFile))))
        {
            File.Delete(stale);
        }
        _sinceWrite.Restart();
    }

    // finite doubles as JSON numbers (shortest round-trip text), NaN and ±∞ as their bits ("0x7ff8000000000000"): a NaN's
    // sign and payload survive, so restored metrics are bit-identical
    private sealed class ExactDouble : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && text.StartsWith("0x", StringComparison.Ordinal)
                && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong bits)
                ? BitConverter.UInt64BitsToDouble(bits)
                : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteStringValue(string.Create(CultureInfo.InvariantCulture, $"0x{BitConverter.DoubleToUInt64Bits(value):x16}"));
        }
    }

    private static string Sha256(Action<IncrementalHash> append)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        append(hash);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
