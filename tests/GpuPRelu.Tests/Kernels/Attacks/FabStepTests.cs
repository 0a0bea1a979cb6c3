using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class FabStepTests(DeviceFixture devices)
{
    // hand-computed projections: (norm, box, w, x, r, δ) with ⟨w, δ⟩ = r minimal in the norm, x + δ in the box
    private static readonly (int Norm, (double, double)? Box, double[] W, double[] X, double R, double[] Delta)[] Projections =
    [
        // l2, no box: δ = r·w/‖w‖²
        (2, null, [3, 4], [0, 0], 5, [0.6, 0.8]),
        (2, null, [1, 0], [0.5, 0.5], -2, [-2, 0]),
        // l2 in [0, 1]: x_1 saturates at 1 (0.5 of room buys 1.0), the rest 0.3 on x_2 (μ = 0.3)
        (2, (0, 1), [2, 1], [0.5, 0.5], 1.3, [0.5, 0.3]),
        // l∞, no box: τ = r/‖w‖₁ on every coordinate with w ≠ 0
        (0, null, [1, -2, 0, 4], [0, 0, 0, 0], 3.5, [0.5, -0.5, 0, 0.5]),
        // l∞ in [−1, 1]: x_1 saturates at 0.2, τ = 0.5 on the others
        (0, (-1, 1), [1, 1, 1], [0.8, 0, 0], 1.2, [0.2, 0.5, 0.5]),
        // l∞ out of reach: every coordinate to the box
        (0, (0, 1), [1, 1], [0.5, 0.5], 5, [0.5, 0.5]),
        // l1 in [0, 1]: by decreasing |w|: x_2 down its 0.2 (0.6), x_3 up its 0.1 (0.2), x_1 the last 0.2
        (1, (0, 1), [1, -3, 2], [0.5, 0.2, 0.9], 1.0, [0.2, -0.2, 0.1]),
        // l1 in [0, 1], r < 0: x_2 up (w < 0) covers it alone
        (1, (0, 1), [1, -3, 2], [0.5, 0.2, 0.9], -0.9, [0, 0.3, 0]),
    ];

    [Fact]
    public void ReferenceProjectsAsComputedByHand()
    {
        foreach (var (norm, box, w, x, r, delta) in Projections)
            Close.Assert(delta, FabStepReference.Project(norm, box, w, x, r), atol: 1e-12, what: $"l{norm} projection of {string.Join(",", x)}");
    }

    public static TheoryData<string> Devices => DeviceFixture.Devices;

    [Theory]
    [DeviceData(nameof(Devices))]
    public void KernelProjectsAsComputedByHand(string device)
    {
        // from the clean point (u = u0) with η = 1 both projections coincide, so the step lands at u0 + δ
        var dev = devices.Get(device);
        foreach (var (norm, box, w, x, r, delta) in Projections)
        {
            int D = w.Length;
            var s = new BatchShape(1, 1, D, 1, 1, 0, 0);
            var spec = new FabSpec(norm, 1f, 0.1f, box is null ? 0 : 1, (float)(box?.Item1 ?? 0), (float)(box?.Item2 ?? 0));
            using var arrays = new DeviceArrays(dev.Accelerator);
            var u0 = NetworkCase.Narrow(x);
            var uView = arrays.Upload(u0);
            dev.AttackKernels.FabStep(s, spec, arrays.Upload(u0), uView, arrays.Upload(NetworkCase.Narrow(w)), arrays.Upload([(float)-r]),
                arrays.Upload(new float[D]), arrays.Upload([1]));
            var moved = DeviceArrays.Download(uView).Select((v, d) => v - x[d]).ToArray();
            Close.Assert(delta, moved, atol: 2e-6, rtol: 0, what: $"l{norm} step of {string.Join(",", x)} towards r = {r}");
        }
    }

    public static TheoryData<string, int, int, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (var (norm, box) in new[] { (0, 0), (0, 1), (2, 0), (2, 1), (1, 1) })
                {
                    data.Add((string)device.Data, norm, box, 3);
                    data.Add((string)device.Data, norm, box, 41);
                }
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string device, int norm, int box, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed + 10 * norm + box);
        const int D = 12;
        var s = new BatchShape(2, 6, D, 1, 1, 0, 0);
        int rows = s.Networks * s.Samples;
        // clean points in [0, 1] (center 0.4), iterates a perturbation of them inside the box; gradients and margins of
        // either sign, so rows project forwards and backwards, within and out of the box's reach
        var center = Enumerable.Range(0, s.Networks * D).Select(_ => 0.4f).ToArray();
        var u0 = Enumerable.Range(0, rows * D).Select(_ => (float)(rng.NextDouble() - 0.4)).ToArray();
        var u = u0.Select(v => (float)Math.Clamp(v + 0.3 * (rng.NextDouble() - 0.5), -0.4, 0.6)).ToArray();
        var du = Enumerable.Range(0, rows * D).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var margin = Enumerable.Range(0, rows).Select(i => (float)(i % 5 == 4 ? 3 + rng.NextDouble() : rng.NextDouble() - 0.8)).ToArray();
        var active = Enumerable.Range(0, rows).Select(i => i % 6 == 5 ? 0 : 1).ToArray();
        var spec = new FabSpec(norm, 1.05f, 0.1f, box, 0f, 1f);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var uView = arrays.Upload(u);
        dev.AttackKernels.FabStep(s, spec, arrays.Upload(u0), uView, arrays.Upload(du), arrays.Upload(margin), arrays.Upload(center), arrays.Upload(active));
        var expected = FabStepReference.Run(s, spec, NetworkCase.Wide(u0), NetworkCase.Wide(u), NetworkCase.Wide(du), NetworkCase.Wide(margin),
            NetworkCase.Wide(center), active);
        Close.Assert(expected, DeviceArrays.Download(uView), atol: 2e-5, rtol: 1e-4, what: $"u after a FAB step (l{norm}, box {box}, seed {seed})");
        // the case has teeth: active rows move, inactive ones do not
        Assert.Contains(Enumerable.Range(0, rows), i => active[i] == 1 && Math.Abs(expected[i * D] - u[i * D]) > 1e-3);
    }
}
