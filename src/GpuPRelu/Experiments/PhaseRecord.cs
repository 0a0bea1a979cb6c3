using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GpuPRelu.Experiments;

/// <summary>The finished phases of a study run that checkpoints (checkpoint/phases.json, format "gpuprelu-phases"
/// version 1): the verb, a hash of its configuration, and the names of the phases whose outputs are complete, in order.
/// A phase is added after its outputs were written (each atomically), so a run killed at any point and resumed skips
/// exactly the phases whose files are whole (StudyPipeline). A record of another verb or configuration is refused,
/// naming the file.</summary>
public sealed class PhaseRecord
{
    /// <summary>The record's file name inside the checkpoint folder.</summary>
    public const string FileName = "phases.json";

    private const string Format = "gpuprelu-phases";
    private const int Version = 1;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly string _path;
    private readonly Document _doc;

    private PhaseRecord(string path, Document doc)
    {
        _path = path;
        _doc = doc;
    }

    private sealed record Document(string Format, int Version, string Command, string Config, List<string> Done);

    /// <summary>The phases finished so far, in order.</summary>
    public IReadOnlyList<string> Done => _doc.Done;

    /// <summary>Whether `folder` holds a record (of any run).</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, FileName));

    /// <summary>The record in `folder` of verb `command` run with `config` (the fields that change its outputs), or a new
    /// empty one (written at once). Throws InvalidDataException naming the file when it is malformed or of another verb or configuration.</summary>
    public static PhaseRecord Open(string folder, string command, object config)
    {
        var path = Path.Combine(folder, FileName);
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config, Json))));
        if (!File.Exists(path))
        {
            // written at once, so that whatever the run keeps beside its checkpoint is known to be of this configuration
            var record = new PhaseRecord(path, new Document(Format, Version, command, hash, []));
            record.Save();
            return record;
        }
        Document? doc;
        try
        {
            doc = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a record of finished phases ({ex.Message}); delete the folder {folder} to start afresh", ex);
        }
        if (doc is null || doc.Format != Format || doc.Version != Version || doc.Done is null)
            throw new InvalidDataException($"{path}: not a '{Format}' version {Version} record; delete the folder {folder} to start afresh");
        if (doc.Command != command || doc.Config != hash)
        {
            throw new InvalidDataException($"{path} was written by {doc.Command} with another configuration; resume with the "
                + $"flags and files that started the run, or delete the folder {folder} to start afresh");
        }
        return new PhaseRecord(path, doc);
    }

    /// <summary>Whether phase `name` finished.</summary>
    public bool IsDone(string name) => _doc.Done.Contains(name);

    /// <summary>Records phase `name` as finished (written atomically).</summary>
    public void Add(string name)
    {
        if (IsDone(name))
            return;
        _doc.Done.Add(name);
        Save();
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        IO.AtomicFile.WriteText(_path, JsonSerializer.Serialize(_doc, Json));
    }
}
