using Xunit;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(GpuPRelu.Tests.Fixtures.CollectionOrder))]

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Starts the two sequential collections first: `device` (the longest, one test at a time on the shared
/// accelerators) and `cli`; the classes that run in parallel fill the other thread around them. Started last, the device
/// collection alone would set the suite's length. Within each group xunit's own order stays.</summary>
public sealed class CollectionOrder : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection
    {
        var ordered = DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections);
        return [.. ordered.OrderBy(c => c.TestCollectionDisplayName switch
        {
            DeviceGroup.Name => 0,
            CliGroup.Name => 1,
            _ => 2,
        })];
    }
}
