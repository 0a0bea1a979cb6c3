using System.Reflection;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>[MemberData] for theories whose rows include CUDA ones (an argument "cuda"). Where CUDA does not run (no
/// device, and GPUPRELU_REQUIRE_CUDA unset) those rows are left out, and CudaCasesTests reports their number in one
/// line instead of one skipped case each; where it runs, or is required, every row is there.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class DeviceDataAttribute(string memberName, params object?[] arguments) : MemberDataAttributeBase(memberName, arguments)
{
    public override async ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        var rows = await AllRows(testMethod, disposalTracker);
        return DeviceFixture.CudaRuns ? rows : [.. rows.Where(r => !IsCuda(r))];
    }

    /// <summary>Every row of the member, the CUDA ones included.</summary>
    public ValueTask<IReadOnlyCollection<ITheoryDataRow>> AllRows(MethodInfo testMethod, DisposalTracker disposalTracker) =>
        base.GetData(testMethod, disposalTracker);

    public static bool IsCuda(ITheoryDataRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.GetData().Any(a => a is "cuda");
    }
}
