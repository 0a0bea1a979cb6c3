using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Training;

namespace GpuPRelu.Tests.Reference.Training;

/// <summary>Per row: binary (C = 1, y = ±1 from label 1/0) exp(−y f) or log(1 + exp(−y f)); multi-class −log softmax(f)_y;
/// g = scale·∂loss/∂f; correct = y f &gt; 0, or the first argmax equals the label (docs/design.md §1 losses), float64.</summary>
internal static class LossGradientReference
{
    public static (double[] G, double[] Loss, double[] Correct) Run(BatchShape s, LossSpec spec, double[] f, int[] ym)
    {
        int rows = s.Networks * s.Samples, C = s.Outputs;
        var g = new double[rows * C]; // [B, M, C]
        var loss = new double[rows];  // [B, M]
        var correct = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            if (spec.Kind != 2)
            {
                double y = ym[i] == 1 ? 1 : -1, margin = y * f[i];
                correct[i] = margin > 0 ? 1 : 0;
                loss[i] = spec.Kind == 0 ? Math.Exp(-margin) : Math.Log(1 + Math.Exp(-margin));
                double dLoss = spec.Kind == 0 ? -Math.Exp(-margin) : -1 / (1 + Math.Exp(margin)); // ∂loss/∂margin
                g[i] = spec.Scale * dLoss * y;
                continue;
            }
            int arg = 0;
            for (int c = 1; c < C; c++)
                arg = f[i * C + c] > f[i * C + arg] ? c : arg;
            double z = 0;
            for (int c = 0; c < C; c++)
                z += Math.Exp(f[i * C + c]);
            loss[i] = Math.Log(z) - f[i * C + ym[i]];
            correct[i] = arg == ym[i] ? 1 : 0;
            for (int c = 0; c < C; c++)
                g[i * C + c] = spec.Scale * (Math.Exp(f[i * C + c]) / z - (c == ym[i] ? 1 : 0));
        }
        return (g, loss, correct);
    }
}
