using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>Certified radii of the ideal classifiers against their exact radii (RobustRadius): never above them on any
/// point, and for F (two linear pieces) within 1 % once its unstable neuron may be split; with the device screen too.</summary>
[Collection(DeviceGroup.Name)]
public sealed class CertifierExactTests(DeviceFixture devices, ITestOutputHelper output)
{
    private const int K = 4, K1 = 2;

    public static TheoryData<int, double, int> Cases => new()
    {
        { 11, 1.0, 4 }, { 12, 1.0, 4 }, { 13, 2.0, 32 }, { 14, 3.0, 32 }, { 15, 4.0, 32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NeverAboveTheExactRadius(int seed, double p, int branches)
    {
        const int D = 12, n = 24;
        var mu = SubclassData.Centers(D, K, random: true, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.3, n, seed, test: true);
        var kind = p == 1 ? IdealKind.F : IdealKind.Fp;
        var (shape, theta) = IdealClassifier.Parameters(kind, D, K, K1, [mu]);
        using var net = new NetworkBatch(devices.Get("cpu"), shape, [new NetworkInfo(0, p, 0.3, seed, 0)], theta, new float[D]);
        var exact = RobustRadius.OfPoints(kind, p, data, mu, K, K1).Upper;
        var plain = Certifier.Run(net, [data], new CertifyOptions(AttackNorm.L2), cancel: TestContext.Current.CancellationToken)[0];
        var branched = Certifier.Run(net, [data], new CertifyOptions(AttackNorm.L2, Branches: branches), cancel: TestContext.Current.CancellationToken)[0];
        // the device screen's candidates, checked and searched on by the host: sound, and no smaller than the host alone
        var screened = Certifier.Run(net, [data], new CertifyOptions(AttackNorm.L2) { DeviceScreen = true }, cancel: TestContext.Current.CancellationToken)[0];
        double worstPlain = 1, worstBranched = 1;
        for (int i = 0; i < n; i++)
        {
            Assert.True(plain[i].Radius <= exact[i], $"point {i}: certified {plain[i].Radius} above exact {exact[i]}");
            Assert.True(branched[i].Radius <= exact[i], $"point {i}: certified {branched[i].Radius} (branches) above exact {exact[i]}");
            Assert.True(screened[i].Radius <= exact[i], $"point {i}: certified {screened[i].Radius} (screened) above exact {exact[i]}");
            Assert.True(screened[i].Radius >= plain[i].Radius * (1 - 2e-3), $"point {i}: the screen lost {plain[i].Radius} → {screened[i].Radius}");
            Assert.True(branched[i].Radius >= plain[i].Radius * (1 - 2e-3), $"point {i}: branching lost {plain[i].Radius} → {branched[i].Radius}");
            if (exact[i] > 0)
            {
                worstPlain = Math.Min(worstPlain, plain[i].Radius / exact[i]);
                worstBranched = Math.Min(worstBranched, branched[i].Radius / exact[i]);
            }
            else
                Assert.Equal("misclassified", plain[i].Method);
        }
        output.WriteLine($"p {p}: worst certified/exact {worstPlain:0.000} plain, {worstBranched:0.000} with {branches} branches");
        if (kind == IdealKind.F)
            Assert.True(worstBranched >= 0.99, $"F: certified/exact {worstBranched} < 0.99 with {branches} branches");
    }
}
