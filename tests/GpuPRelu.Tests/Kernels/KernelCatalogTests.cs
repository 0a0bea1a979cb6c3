using System.Reflection;
using GpuPRelu.Kernels;
using Xunit;

namespace GpuPRelu.Tests.Kernels;

/// <summary>Every kernel class (a public static class with a static Kernel method) in kernels/GpuPRelu.Kernels has its float64
/// reference and its tests, found by name: Network.PReluForward ↔ Reference.Network.PReluForwardReference ↔
/// Kernels.Network.PReluForwardTests (STYLE §2).</summary>
public sealed class KernelCatalogTests
{
    /// <summary>The kernel classes: static classes of the kernels assembly with a public static Kernel method.</summary>
    internal static List<Type> KernelClasses() => typeof(BatchShape).Assembly.GetTypes()
        .Where(t => t.IsAbstract && t.IsSealed && t.GetMethod("Kernel", BindingFlags.Public | BindingFlags.Static) is not null)
        .ToList();

    [Fact]
    public void EveryKernelHasReferenceAndTests()
    {
        var kernels = KernelClasses();
        Assert.NotEmpty(kernels);
        var tests = typeof(KernelCatalogTests).Assembly;
        var missing = new List<string>();
        foreach (var kernel in kernels)
        {
            string folder = kernel.Namespace!["GpuPRelu.Kernels".Length..]; // ".Network"
            foreach (var name in new[] { $"GpuPRelu.Tests.Reference{folder}.{kernel.Name}Reference", $"GpuPRelu.Tests.Kernels{folder}.{kernel.Name}Tests" })
            {
                if (tests.GetType(name) is null)
                    missing.Add(name);
            }
        }
        Assert.True(missing.Count == 0, $"kernels without reference or tests: {string.Join(", ", missing)}");
    }
}
