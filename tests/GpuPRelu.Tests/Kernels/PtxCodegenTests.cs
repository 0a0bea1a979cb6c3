using System.Reflection;
using System.Text.RegularExpressions;
using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using ILGPU;
using Xunit;

namespace GpuPRelu.Tests.Kernels;

/// <summary>Every kernel compiles to PTX for an H100 without a GPU (the CPU accelerator runs the .NET code and never
/// generates PTX), and the PTX has none of the traps of docs/ilgpu.md §1/§4: an undefined extern function, generic
/// loads and stores, and, in explicitly grouped (tiled) kernels, register tiles spilled to a local depot.</summary>
public sealed partial class PtxCodegenTests(PtxCompiler compiler) : IClassFixture<PtxCompiler>
{
    // kernel name (class, plus the method when it is not "Kernel") → method
    private static readonly Dictionary<string, MethodInfo> Found = FindKernels();

    public static TheoryData<string> Kernels => new(Found.Keys.Order(StringComparer.Ordinal));

    /// <summary>Implicitly grouped: a public static void method of a public static class whose first parameter is an ILGPU
    /// index. Explicitly grouped: one with no index first whose name starts or ends with "Kernel" (Kernel, KernelTiled).</summary>
    internal static bool IsExplicitlyGrouped(MethodInfo kernel) =>
        kernel.GetParameters() is not [{ ParameterType: var first }, ..] || !typeof(IIndex).IsAssignableFrom(first);

    private static Dictionary<string, MethodInfo> FindKernels()
    {
        var found = new Dictionary<string, MethodInfo>();
        foreach (var type in typeof(BatchShape).Assembly.GetTypes().Where(t => t.IsPublic && t.IsAbstract && t.IsSealed))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                bool named = method.Name.StartsWith("Kernel", StringComparison.Ordinal) || method.Name.EndsWith("Kernel", StringComparison.Ordinal);
                if (method.ReturnType != typeof(void) || (IsExplicitlyGrouped(method) && !named))
                    continue;
                string folder = type.Namespace!["GpuPRelu.Kernels.".Length..]; // "Network"
                found.Add(method.Name == "Kernel" ? $"{folder}.{type.Name}" : $"{folder}.{type.Name}.{method.Name}", method);
            }
        }
        return found;
    }

    [Fact]
    public void FindsEveryKernelClass()
    {
        // independent of FindKernels: the classes KernelCatalogTests counts, a static class with a Kernel method
        var classes = KernelCatalogTests.KernelClasses();
        Assert.NotEmpty(classes);
        Assert.True(Found.Count >= classes.Count, $"found {Found.Count} kernels in {classes.Count} kernel classes");
        var missed = classes.Where(c => !Found.ContainsValue(c.GetMethod("Kernel")!)).Select(c => c.FullName).ToList();
        Assert.True(missed.Count == 0, $"kernels not compiled to PTX: {string.Join(", ", missed)}");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CompilesToCleanPtx(string kernel)
    {
        var method = Found[kernel];
        string ptx = "";
        var error = Record.Exception(() => ptx = compiler.Compile(method, IsExplicitlyGrouped(method)));
        Assert.True(error is null, $"{kernel}: PTX compilation failed: {error?.GetType().Name}: {error?.Message}");
        var problems = Problems(ptx, IsExplicitlyGrouped(method));
        Assert.True(problems.Count == 0, $"{kernel}:\n{string.Join("\n", problems)}");
    }

    /// <summary>What is wrong with a kernel's PTX, one line each with the offending PTX lines (empty when clean).</summary>
    internal static List<string> Problems(string ptx, bool explicitlyGrouped)
    {
        var problems = new List<string>();
        var lines = ptx.Split('\n').Select(l => l.Trim()).ToList();
        void Check(string rule, IEnumerable<string> offending)
        {
            var hits = offending.ToList();
            if (hits.Count > 0)
                problems.Add($"{rule} ({hits.Count}×): {string.Join(" | ", hits.Take(3))}");
        }
        // MathF.FusedMultiplyAdd and other calls without a PTX intrinsic: the driver JIT cannot link them
        Check("undefined extern function", lines.Where(l => l.StartsWith(".extern .func", StringComparison.Ordinal)));
        // views are global memory; O1 leaves them generic (ld.f32), O2 names the space (ld.global.f32)
        var accesses = lines.Select(l => (Line: l, Access: MemoryAccess().Match(l))).Where(a => a.Access.Success).ToList();
        Check("generic load/store (no state space)", accesses.Where(a => !a.Access.Groups["space"].Success).Select(a => a.Line));
        if (!accesses.Any(a => a.Access.Groups["space"].Value == "global"))
            problems.Add("no ld.global/st.global: the kernel never touches its views, or the PTX is not what this test parses");
        if (explicitlyGrouped)
        {
            // tiles staged in shared memory between barriers; register tiles as scalars, not a .local array
            if (!lines.Any(l => l.StartsWith(".shared", StringComparison.Ordinal) || l.StartsWith(".extern .shared", StringComparison.Ordinal)))
                problems.Add("explicitly grouped kernel without .shared memory");
            if (!lines.Any(l => l.StartsWith("bar.sync", StringComparison.Ordinal) || l.StartsWith("barrier.sync", StringComparison.Ordinal)))
                problems.Add("explicitly grouped kernel without bar.sync");
            Check("local memory (a register tile spilled to a .local depot)", lines.Where(l => l.Contains(".local", StringComparison.Ordinal)));
        }
        return problems;
    }

    // ld/ldu/st/atom/red with its qualifiers, an optional predicate first; "space" is the state space when it names one
    [GeneratedRegex(@"^(?:@!?%p\d+\s+)?(?:ld|ldu|st|atom|red)(?:\.(?:weak|volatile|relaxed|acquire|release|cta|gpu|sys|nc))*(?:\.(?<space>global|shared|local|param|const))?\.[a-z0-9.]+")]
    private static partial Regex MemoryAccess();
}
