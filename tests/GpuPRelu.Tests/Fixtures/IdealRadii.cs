using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Models;
using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>An attack against the exact radii of F and F^(3) on the same synthetic points: it must never break a point
/// strictly inside its exact radius (that would disprove the radius).</summary>
internal static class IdealRadii
{
    /// <summary>Runs `attack` (network, points, radii → robust[r][i]) on F and on F^(3) (D inputs, K 4, K1 2, α 0.5, n
    /// points of `seed`), asserts no break inside the exact radius (float32 may flip within 1e-3) and returns, per
    /// classifier, the (point, radius) pairs still robust 0.05 above their exact radius and the pairs broken.</summary>
    public static List<(IdealKind Kind, int Above, int Broken)> Check(ComputeDevice device, int D, int n, double[] radii, int seed,
        Func<NetworkBatch, DataSet, bool[][]> attack)
    {
        const int K = 4, K1 = 2;
        var mu = SubclassData.Centers(D, K, random: true, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.5, n, seed, test: true);
        var counts = new List<(IdealKind, int, int)>();
        foreach (var (kind, p) in new[] { (IdealKind.F, 1.0), (IdealKind.Fp, 3.0) })
        {
            var (shape, theta) = IdealClassifier.Parameters(kind, D, K, K1, [mu]);
            using var net = new NetworkBatch(device, shape, [new NetworkInfo(0, p, 0.5, seed, 0)], theta, new float[D]);
            var robust = attack(net, data);
            int above = 0, broken = 0;
            for (int i = 0; i < n; i++)
            {
                var x = data.X.AsSpan(i * D, D);
                double exact = kind == IdealKind.F ? RobustRadius.F(x, mu, K, K1, data.Y[i]) : RobustRadius.FpExact(x, mu, K, K1, p, data.Y[i]);
                for (int r = 0; r < radii.Length; r++)
                {
                    if (!robust[r][i])
                    {
                        broken++;
                        Assert.True(radii[r] >= exact - 1e-3, $"{kind}: point {i} broken at {radii[r]} < exact {exact} (seed {seed})");
                    }
                    else if (radii[r] > exact + 0.05)
                        above++;
                }
            }
            counts.Add((kind, above, broken));
        }
        return counts;
    }
}
