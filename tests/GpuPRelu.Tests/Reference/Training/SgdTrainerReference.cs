using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Reference.Network;
using GpuPRelu.Training;

namespace GpuPRelu.Tests.Reference.Training;

/// <summary>Mini-batch SGD in float64, one network at a time, the way the reference's training loop runs:
/// for each epoch the given row order, consecutive mini-batches of `batch` rows (the last one shorter, drop_last =
/// false), the mean loss over the mini-batch's rows, θ ← θ − η·∇θ with the gradient of NetworkReference (held to
/// finite differences by NetworkReferenceTests). Returns θ of the network ([W | V | b] of a batch of one) after every
/// step listed in `checkpoints`.</summary>
internal static class SgdTrainerReference
{
    public static Dictionary<long, double[]> Run(BatchShape network, double[] theta0, double p, double[] center, DataSet data,
        Func<int, int[]> epochOrder, int epochs, int batch, double lr, LossKind loss, IReadOnlySet<long> checkpoints)
    {
        var theta = (double[])theta0.Clone();
        int D = network.Inputs, n = data.Samples;
        var seen = new Dictionary<long, double[]>();
        long step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var order = epochOrder(epoch);
            for (int offset = 0; offset < n; offset += batch)
            {
                int rows = Math.Min(batch, n - offset);
                var u = new double[rows * D];
                var ym = new int[rows];
                for (int m = 0; m < rows; m++)
                {
                    int row = order[offset + m];
                    for (int d = 0; d < D; d++)
                        u[m * D + d] = data.X[row * D + d] - center[d];
                    ym[m] = data.Y[row];
                }
                var shape = network.WithSamples(rows);
                var (dTheta, _) = NetworkReference.Gradient(shape, new LossSpec((int)loss, (float)(1.0 / rows)), theta, [p], u, ym);
                for (int i = 0; i < theta.Length; i++)
                    theta[i] -= lr * dTheta[i];
                if (checkpoints.Contains(++step))
                    seen[step] = (double[])theta.Clone();
            }
        }
        return seen;
    }
}
