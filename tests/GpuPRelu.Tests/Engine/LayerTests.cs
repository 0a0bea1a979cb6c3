using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The engine's folders are layers (ARCHITECTURE.md): a type may use its own layer and those below, never one
/// above. The references are read from the compiled assembly: signatures, base types, fields, locals and every type,
/// method and field token in the method bodies (lambdas and iterators included, through their compiler-made types).</summary>
public sealed class LayerTests
{
    // bottom to top, as ARCHITECTURE.md draws them (the kernels assembly is below all of them); Sweeps is the folder the
    // sweep branch adds (a plan of batches over the experiments), placed here before it lands
    private static readonly string[] Order =
        ["Random", "Devices", "IO", "Data", "Models", "Training", "Attacks", "Certification", "Analysis", "Configs", "Plots", "Experiments", "Sweeps", "Bench"];

    // The references that break the order, each "Layer/Type → Layer/Type" (issue 13, item 3): none since the configs moved
    // to Configs/ (with ConfigFile, which applies their fields) and FeatureTable to Data/. The test fails on an entry that
    // no longer occurs, so a list here only shrinks.
    private static readonly string[] KnownViolations = [];

    [Fact]
    public void NoTypeUsesALayerAboveItsOwn()
    {
        var found = Violations().ToHashSet();
        var unexpected = found.Except(KnownViolations).Order().ToList();
        var gone = KnownViolations.Except(found).ToList();
        Assert.True(unexpected.Count == 0, "types that use a layer above their own (move the type, or the code it needs):\n"
            + string.Join("\n", unexpected));
        Assert.True(gone.Count == 0, "fixed, remove from KnownViolations: " + string.Join(", ", gone));
    }

    [Fact]
    public void ScannerSeesReferencesInSignaturesAndBodies()
    {
        // the scan must see what is there, or the test above passes on nothing: Trainer takes a NetworkBatch (signature)
        // and its bodies call into Devices; the layer test of a made-up order would then report them
        var trainer = TypeReferences.Of(typeof(Trainer)).Select(Folder).ToHashSet();
        Assert.Contains("Models", trainer);
        Assert.Contains("Devices", trainer);
        Assert.Contains("Data", trainer);
    }

    private static IEnumerable<string> Violations()
    {
        var engine = typeof(Trainer).Assembly;
        foreach (var type in engine.GetTypes())
        {
            string? own = Folder(type);
            if (own is null)
                continue;
            int level = Array.IndexOf(Order, own);
            Assert.True(level >= 0, $"folder {own} of {type.FullName} is not in the layer order (add it to Order and ARCHITECTURE.md)");
            foreach (var used in TypeReferences.Of(type).Where(t => t.Assembly == engine).Select(Outermost).Distinct())
            {
                if (Folder(used) is { } folder && Array.IndexOf(Order, folder) > level)
                    yield return $"{own}/{Name(Outermost(type))} → {folder}/{Name(used)}";
            }
        }
    }

    /// <summary>The layer of a type: the namespace part after "GpuPRelu." (GpuPRelu.Devices.Managed → Devices).</summary>
    private static string? Folder(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("GpuPRelu.", StringComparison.Ordinal) ? ns["GpuPRelu.".Length..].Split('.')[0] : null;

    // ConfigField`1 → ConfigField
    private static string Name(Type type) => type.Name.Split('`')[0];

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type;
    }
}
