using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class SquareProposalTests(DeviceFixture devices)
{
    public static TheoryData<string, int, int, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 2 })
                {
                    data.Add((string)device.Data, norm, 0, 3 + norm);
                    data.Add((string)device.Data, norm, 1, 41 + norm);
                }
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string device, int norm, int hasBox, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        const int H = 5, W = 6, D = H * W, S = 3;
        var s = new BatchShape(2, 4, D, 1, 1, 0, 0);
        int rows = s.Networks * s.Samples;
        var spec = new SquareSpec(norm, S, H, W, hasBox, -0.5f, 0.5f);
        var radius = Enumerable.Range(0, s.Samples).Select(_ => (float)(0.05 + 0.3 * rng.NextDouble())).ToArray();
        var center = Enumerable.Range(0, s.Networks * D).Select(_ => (float)(0.1 * rng.NextDouble() - 0.05)).ToArray();
        var u0 = Enumerable.Range(0, rows * D).Select(_ => (float)(0.8 * rng.NextDouble() - 0.4)).ToArray();
        // best points inside the ball (l∞ corners of it in some coordinates), proposals start as garbage that must be overwritten
        var uBest = new float[rows * D];
        for (int i = 0; i < rows * D; i++)
            uBest[i] = u0[i] + (float)(radius[i / D % s.Samples] * (rng.Next(3) == 0 ? Math.Sign(rng.NextDouble() - 0.5) : 0.6 * (2 * rng.NextDouble() - 1)));
        var u = Enumerable.Range(0, rows * D).Select(_ => 9f).ToArray();
        var draws = new int[rows * SquareProposal.Draws];
        for (int i = 0; i < rows; i++)
        {
            int[] row = [rng.Next(H - S + 1), rng.Next(W - S + 1), rng.Next(H - S + 1), rng.Next(W - S + 1), rng.Next(2), rng.Next(2)];
            row.CopyTo(draws, i * SquareProposal.Draws);
        }
        var eta = Enumerable.Range(0, S * S).Select(_ => (float)(2 * rng.NextDouble() - 1)).ToArray();
        var broken = Enumerable.Range(0, rows).Select(i => i % 5 == 3 ? 1 : 0).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var uView = arrays.Upload(u);
        dev.AttackKernels.SquareProposal(s, spec, arrays.Upload(u0), arrays.Upload(uBest), uView, arrays.Upload(radius), arrays.Upload(center),
            arrays.Upload(draws), arrays.Upload(eta), arrays.Upload(broken));
        var expected = SquareProposalReference.Run(s, spec, NetworkCase.Wide(u0), NetworkCase.Wide(uBest), NetworkCase.Wide(u),
            NetworkCase.Wide(radius), NetworkCase.Wide(center), draws, NetworkCase.Wide(eta), broken);
        Close.Assert(expected, DeviceArrays.Download(uView), atol: 2e-6, what: $"proposal (norm {norm}, box {hasBox}, seed {seed})");
    }

    private static readonly float[] Zeros9 = new float[9], Radius = [0.25f], Center = new float[9], Eta = [0.5f, 0.5f, 0.5f, 0.5f];
    private static readonly int[] HandDraws = [1, 0, 0, 0, 0, 0], HandDrawsL2 = [1, 0, 0, 0, 0, 1], NotBroken = [0];

    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void MatchesHandComputedCases(string device)
    {
        // a 3×3 image, x0 = 0, best point 0.1 everywhere, ε 0.25, a 2×2 window at row 1, column 0, sign −1:
        // l∞ sets the window to −ε and keeps the rest
        var dev = devices.Get(device);
        var s = new BatchShape(1, 1, 9, 1, 1, 0, 0);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var best = Enumerable.Repeat(0.1f, 9).ToArray();
        var u = arrays.Zeros(9);
        dev.AttackKernels.SquareProposal(s, new SquareSpec(0, 2, 3, 3, 0, 0, 0), arrays.Upload(Zeros9), arrays.Upload(best), u, arrays.Upload(Radius),
            arrays.Upload(Center), arrays.Upload(HandDraws), arrays.Upload(Eta), arrays.Upload(NotBroken));
        Close.Assert([0.1, 0.1, 0.1, -0.25, -0.25, 0.1, -0.25, -0.25, 0.1], DeviceArrays.Download(u));
        // l2, sign +1, W2 = the top-left 2×2 (overlapping W1 in row 1): ‖δ‖² = 0.09 ≥ ε², ‖δ[W1]‖ = 0.2, ‖δ[W1 ∪ W2]‖² = 0.06;
        // fresh = 0.5 + 0.1/0.2 = 1 in W1, rescaled to norm √0.06 (0.5·√0.06 each); row 0's W2 cells 0; column 2 keeps 0.1;
        // then ‖δ‖ = √(0.06 + 0.03) = 0.3 is rescaled to ε = 0.25
        dev.AttackKernels.SquareProposal(s, new SquareSpec(2, 2, 3, 3, 0, 0, 0), arrays.Upload(Zeros9), arrays.Upload(best), u, arrays.Upload(Radius),
            arrays.Upload(Center), arrays.Upload(HandDrawsL2), arrays.Upload(Eta), arrays.Upload(NotBroken));
        double k = 0.25 / 0.3, w = 0.5 * Math.Sqrt(0.06) * k, o = 0.1 * k;
        Close.Assert([0, 0, o, w, w, o, w, w, o], DeviceArrays.Download(u));
    }
}
