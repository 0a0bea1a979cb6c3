using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>Soundness by sampling: 10⁴ perturbations per case inside each point's certified ball (uniform in it, on its
/// surface, and along a PGD attack's direction up to the surface) never change the float64 decision of the network; for
/// every p of NetworkCase.Powers, one and three outputs, l2 and l∞, without and with the box [−1.5, 1.5], without and
/// with normalize_input; and with the device screen (l2 and l∞ without the box).</summary>
[Collection(DeviceGroup.Name)]
public sealed class CertifierSamplingTests(DeviceFixture devices)
{
    public static TheoryData<int, int, AttackNorm, bool, bool, bool> Cases
    {
        get
        {
            var data = new TheoryData<int, int, AttackNorm, bool, bool, bool>();
            int seed = 40, screenSeed = 80;
            foreach (int outputs in new[] { 1, 3 })
            {
                foreach (var norm in new[] { AttackNorm.L2, AttackNorm.Linf })
                {
                    foreach (bool box in new[] { false, true })
                        data.Add(seed++, outputs, norm, box, false, false);
                    // normalize_input: a_j / ‖x − c‖^(p−1), bounded by the range of ‖x − c‖ over the set
                    data.Add(seed++, outputs, norm, outputs == 3, true, false);
                    // the device screen's candidates, checked and searched on by the host (the ball without a box)
                    data.Add(screenSeed++, outputs, norm, false, outputs == 3, true);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NoSampleInsideTheCertifiedBallChangesTheDecision(int seed, int outputs, AttackNorm norm, bool box, bool normalize, bool screen)
    {
        const int D = 5, H = 12, n = 8, perPoint = 10_000 / n;
        var cc = CertifyCase.Create(seed, outputs, D, H, n, normalize);
        using var net = cc.Network(devices.Get("cpu"), seed);
        var options = new CertifyOptions(norm, box ? -1.5 : null, box ? 1.5 : null, Branches: 8) { DeviceScreen = screen };
        var certified = Certifier.Run(net, cc.Points, options, cancel: TestContext.Current.CancellationToken);
        var rng = new System.Random(seed);
        int positive = 0, inflated = 0;
        for (int b = 0; b < cc.Shape.Networks; b++)
        {
            for (int i = 0; i < n; i++)
            {
                double r = certified[b][i].Radius;
                int y = cc.Points[b].Y[i];
                var x0 = cc.Points[b].X.AsSpan(i * D, D).ToArray().Select(v => (double)v).ToArray();
                if (r <= 0)
                    continue;
                positive++;
                var toward = cc.AttackDirection(b, x0, y, 2 * r, norm == AttackNorm.Linf);
                // the samples have teeth: at twice the certified radius the attack's direction flips some decisions
                if (cc.Margin(b, [.. x0.Select((v, d) => v + 2 * r * toward[d])], y) <= 0)
                    inflated++;
                for (int k = 0; k < perPoint; k++)
                {
                    // a third uniform in the ball, a third on its surface, a third along the attack's direction (jittered)
                    var u = k % 3 == 2 ? [.. toward.Select(v => v + 0.05 * Gaussian(rng))] : Enumerable.Range(0, D).Select(_ => Gaussian(rng)).ToArray();
                    double size = norm == AttackNorm.Linf ? u.Max(Math.Abs) : Math.Sqrt(u.Sum(v => v * v));
                    double scale = r * (k % 3 == 0 ? Math.Pow(rng.NextDouble(), 1.0 / D) : 1) / size;
                    var x = x0.Select((v, d) => v + scale * u[d]).ToArray();
                    // the l∞ certificate covers the box's part of the ball; l2 certifies the whole ball, box or not
                    if (box && norm == AttackNorm.Linf)
                        x = [.. x.Select((v, d) => Math.Clamp(v, Math.Min(-1.5, x0[d]), Math.Max(1.5, x0[d])))];
                    Assert.True(cc.Margin(b, x, y) > 0,
                        $"p {cc.P[b]}, point {i}: a perturbation of norm {scale * size} ≤ certified {r} flips the decision (seed {seed})");
                }
            }
        }
        Assert.True(positive >= n * cc.Shape.Networks / 2, $"only {positive} points certified above 0: the test samples too little");
        Assert.True(inflated > 0, "no decision flips at twice the certified radius along the attack: the sampling could not see a wrong radius");
    }

    private static double Gaussian(System.Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
