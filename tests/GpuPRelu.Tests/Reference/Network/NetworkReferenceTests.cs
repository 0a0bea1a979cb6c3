using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>The backward references (output, hidden, weight, input) against central finite differences of the float64
/// forward reference, for every p of NetworkCase.Powers, every loss, with and without bias and input normalization.</summary>
public sealed class NetworkReferenceTests
{
    public static TheoryData<int, int, int> Rows
    {
        get
        {
            var data = new TheoryData<int, int, int>();
            for (int kind = 0; kind <= 2; kind++)
            {
                for (int bias = 0; bias <= 1; bias++)
                {
                    for (int normalize = 0; normalize <= 1; normalize++)
                        data.Add(kind, bias, normalize);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void GradientMatchesFiniteDifferences(int kind, int bias, int normalize)
    {
        // away from the ReLU kink: a difference step across z = 0 measures neither side's derivative
        NetworkCase c;
        int attempt = 0;
        do
            c = NetworkCase.Create(kind == 2 ? 3 : 1, bias, normalize, samples: 4, inputs: 5, hidden: 4, attempt: attempt++);
        while (NetworkReference.Forward(c.Shape, NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.P), NetworkCase.Wide(c.U))
            .Hidden.Z.Any(z => Math.Abs(z) < 1e-2));
        var s = c.Shape;
        var spec = new LossSpec(kind, 0.25f);
        var (theta, p, u) = (NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.P), NetworkCase.Wide(c.U));
        // outputs of order 1 (V and b scaled down), so exp(−y f) stays small and L's rounding does not swamp the differences
        for (int i = s.VOffset; i < theta.Length; i++)
            theta[i] *= 0.1;
        var (dTheta, dU) = NetworkReference.Gradient(s, spec, theta, p, u, c.Ym);
        Close.Assert(Differences(theta, x => NetworkReference.Loss(s, spec, x, p, u, c.Ym)), dTheta, 1e-7, 1e-5, $"dθ ({c})");
        Close.Assert(Differences(u, x => NetworkReference.Loss(s, spec, theta, p, x, c.Ym)), dU, 1e-7, 1e-5, $"du ({c})");
    }

    /// <summary>(L(x + h e_i) − L(x − h e_i)) / 2h for every i, h = 1e-6·max(1, |x_i|): truncation error ~h², rounding ~1e-16/h.</summary>
    private static double[] Differences(double[] x, Func<double[], double> loss)
    {
        var grad = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double keep = x[i], h = 1e-6 * Math.Max(1, Math.Abs(keep));
            x[i] = keep + h;
            double plus = loss(x);
            x[i] = keep - h;
            double minus = loss(x);
            x[i] = keep;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }
}
