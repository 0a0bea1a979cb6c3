using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Kernels.Certification;
using GpuPRelu.Models;

namespace GpuPRelu.Certification;

/// <summary>The device screen of the search on ε (docs/certify.md §6): a bisection for every point of every network at
/// once, each step one launch of CrownBound (the float32 CROWN bound with default tangents) over networks × points. It
/// gives each point a candidate radius, the largest ε where that bound was positive; the float64 host path checks the
/// candidate and searches on from it (PointCertifier.Run(candidate)), so the screen decides nothing.</summary>
internal static class BoundScreen
{
    /// <summary>Whether the kernel covers the threat model: l2, and l∞ without a box (l1 and the box stay on the host).</summary>
    public static bool Covers(CertifyOptions options) =>
        options.Norm == AttackNorm.L2 || (options.Norm == AttackNorm.Linf && options.BoxLo is null);

    /// <summary>candidate[k] for point k = (b, i) of `index` (0 where the bound was never positive, or the point is
    /// misclassified).</summary>
    public static double[] Run(NetworkBatch net, IReadOnlyList<DataSet> points, MarginNetwork[] models, PointCertifier[] certifiers,
        (int B, int I)[] index, CertifyOptions options, CancellationToken cancel)
    {
        int n = points.Max(p => p.Samples);
        var s = net.Shape.WithSamples(n);
        int B = s.Networks, D = s.Inputs, H = s.Hidden, C = s.Outputs, rows = B * n;
        var (coef, dual, p) = (new float[B * H * C], new float[B * H], new float[B]);
        for (int b = 0; b < B; b++)
        {
            p[b] = (float)models[b].P;
            for (int k = 0; k < H * C; k++)
                coef[b * H * C + k] = (float)models[b].Coef[k];
            for (int j = 0; j < H; j++)
                dual[b * H + j] = (float)models[b].Dual[j];
        }
        // rows [B, n]: point i of network b at b·n + i; rows past a network's points stay at ε = 0, unused
        var (z0, u, label) = (new float[rows * H], new float[rows * D], new int[rows]);
        var (lo, hi, open) = (new double[rows], new double[rows], new bool[rows]);
        var grow = new bool[rows];
        for (int k = 0; k < index.Length; k++)
        {
            var (b, i) = index[k];
            int row = b * n + i;
            var point = certifiers[k].Point;
            for (int j = 0; j < H; j++)
                z0[row * H + j] = (float)point.Z0[j];
            for (int d = 0; d < D; d++)
                u[row * D + d] = (float)point.U[d];
            label[row] = points[b].Y[i];
            (hi[row], open[row], grow[row]) = (certifiers[k].Start, certifiers[k].Correct, true);
        }
        var device = net.Device;
        var kernels = device.CertifyKernels;
        using var coefBuffer = device.Allocate(coef);
        using var dualBuffer = device.Allocate(dual);
        using var pBuffer = device.Allocate(p);
        using var z0Buffer = device.Allocate(z0);
        using var uBuffer = device.Allocate(u);
        using var labelBuffer = device.Allocate(label);
        using var radiusBuffer = device.Allocate<float>(rows);
        using var gBuffer = device.Allocate<float>((long)rows * D);
        using var alphaBuffer = device.Allocate<float>((long)rows * H);
        using var boundBuffer = device.Allocate<float>(rows);
        // a search needs only the bound's sign: each margin's tangent steps end once it is positive
        var spec = new CrownSpec(options.Norm == AttackNorm.L2 ? 2 : 0, n, options.Iterations, 1);
        var radius = new float[rows];
        var bound = new float[rows];
        // finer than the host's width: the host climbs from the candidate in steps of 2·RelativeWidth
        double width = options.RelativeWidth / 4;
        for (int step = 0; step < Steps && open.Any(o => o); step++)
        {
            cancel.ThrowIfCancellationRequested();
            for (int row = 0; row < rows; row++)
                radius[row] = open[row] ? (float)(grow[row] ? hi[row] : 0.5 * (lo[row] + hi[row])) : 0f;
            radiusBuffer.CopyFromHost(radius);
            kernels.CrownBound(s, spec, net.Theta, coefBuffer, dualBuffer, pBuffer, z0Buffer, uBuffer, labelBuffer, radiusBuffer,
                gBuffer, alphaBuffer, boundBuffer);
            boundBuffer.View.CopyToHost(bound);
            for (int row = 0; row < rows; row++)
            {
                if (!open[row])
                    continue;
                // the float32 ε the kernel saw: the candidate the host checks is exactly it
                double eps = radius[row];
                bool pass = bound[row] > 0;
                if (grow[row])
                    (lo[row], hi[row], grow[row]) = pass ? (eps, 2 * eps, eps < 1e30) : (lo[row], eps, false);
                else if (pass)
                    lo[row] = eps;
                else
                    hi[row] = eps;
                open[row] = grow[row] || hi[row] - lo[row] > width * hi[row];
            }
        }
        return [.. index.Select(x => lo[x.B * n + x.I])];
    }

    // launches of the screen: a bracket of a few doublings and a bisection to a quarter of the host's relative width
    private const int Steps = 32;
}
