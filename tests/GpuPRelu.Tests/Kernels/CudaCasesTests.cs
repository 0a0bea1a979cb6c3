using System.Reflection;
using GpuPRelu.Tests.Fixtures;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace GpuPRelu.Tests.Kernels;

/// <summary>The CUDA rows of the device theories in one line: where no CUDA device runs they are left out
/// ([DeviceData]) and counted here, one skip for all of them; where one runs (or GPUPRELU_REQUIRE_CUDA=1, as
/// run-gpu-tests.sh sets) each runs as its own case.</summary>
public sealed class CudaCasesTests
{
    [Fact]
    public async Task CudaCasesRunWhereACudaDeviceIs()
    {
        int cases = 0;
        foreach (var (method, attribute) in DataAttributes().Where(a => a.Attribute is DeviceDataAttribute))
            cases += (await ((DeviceDataAttribute)attribute).AllRows(method, new DisposalTracker())).Count(DeviceDataAttribute.IsCuda);
        Assert.True(cases > 0, "no theory has CUDA rows: the device theories lost their [DeviceData]");
        Assert.SkipUnless(DeviceFixture.CudaRuns, $"{cases} CUDA cases not run: no CUDA device ({DeviceFixture.RequireCudaVariable}=1 or "
            + "./run-gpu-tests.sh requires them)");
    }

    [Fact]
    public async Task EveryDeviceTheoryWithCudaRowsUsesDeviceData()
    {
        // a theory on the shared devices (DeviceFixture) whose data names "cuda" through another attribute would print one
        // skip per row where no CUDA device is; DeviceSpecTests' rows are device names to parse, not devices
        var offenders = new List<string>();
        foreach (var (method, attribute) in DataAttributes().Where(a => a.Attribute is not DeviceDataAttribute))
        {
            bool onDevices = method.DeclaringType!.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(DeviceFixture)));
            if (onDevices && (await attribute.GetData(method, new DisposalTracker())).Any(DeviceDataAttribute.IsCuda))
                offenders.Add($"{method.DeclaringType!.Name}.{method.Name} ({attribute.GetType().Name})");
        }
        Assert.True(offenders.Count == 0, $"{offenders.Count} theories with CUDA rows not given by [DeviceData]:\n" + string.Join("\n", offenders));
    }

    // outside its own test, a member's data is looked up in the running test's class unless MemberType names the class
    private static IEnumerable<(MethodInfo Method, IDataAttribute Attribute)> DataAttributes() =>
        from type in typeof(CudaCasesTests).Assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        from attribute in method.GetCustomAttributes(true).OfType<IDataAttribute>()
        select (method, attribute is MemberDataAttributeBase { MemberType: null } member ? WithType(member, type) : attribute);

    private static MemberDataAttributeBase WithType(MemberDataAttributeBase attribute, Type type)
    {
        attribute.MemberType = type;
        return attribute;
    }
}
