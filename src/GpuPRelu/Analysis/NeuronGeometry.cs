using GpuPRelu.Kernels;

namespace GpuPRelu.Analysis;

/// <summary>Per-neuron quantities of one network read from packed host parameters: r_j = ‖w_j‖, the output weights,
/// the contribution ‖v_j‖·‖w_j‖ (|v_j|·‖w_j‖ for C = 1, docs/design.md §1) and the cosines of w_j with every center direction.</summary>
public sealed class NeuronGeometry
{
    private NeuronGeometry(int hidden, int directions)
    {
        Norm = new double[hidden];
        V = new double[hidden];
        Contribution = new double[hidden];
        Cosine = new double[hidden * directions];
        Directions = directions;
    }

    /// <summary>‖w_j‖ [H].</summary>
    public double[] Norm { get; }

    /// <summary>v_j of the first output [H] (the signed output weight of a binary network).</summary>
    public double[] V { get; }

    /// <summary>‖v_j‖·‖w_j‖ [H].</summary>
    public double[] Contribution { get; }

    /// <summary>cos(w_j, direction i) [H, K + 2]; 0 for a zero neuron.</summary>
    public double[] Cosine { get; }

    public int Directions { get; }

    /// <summary>Neuron j's cosine with direction i.</summary>
    public double Cos(int j, int i) => Cosine[j * Directions + i];

    /// <summary>The geometry of network b of a packed θ (layout of BatchShape: W[b, d, j], V[b, j, c]).</summary>
    public static NeuronGeometry Of(BatchShape shape, float[] theta, int b, CenterDirections centers)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(centers);
        if (theta.Length != shape.ParameterCount)
            throw new ArgumentException($"theta has {theta.Length} values; the shape needs {shape.ParameterCount}", nameof(theta));
        if (centers.Inputs != shape.Inputs)
            throw new ArgumentException($"the centers have D {centers.Inputs}; the networks have D {shape.Inputs}", nameof(centers));
        int D = shape.Inputs, H = shape.Hidden, C = shape.Outputs, K2 = centers.Count;
        var g = new NeuronGeometry(H, K2);
        var dot = new double[H * K2];
        for (int d = 0; d < D; d++)
        {
            // W[b, d, :] is contiguous: one pass over θ in memory order
            int w0 = (b * D + d) * H;
            for (int j = 0; j < H; j++)
            {
                double w = theta[w0 + j];
                g.Norm[j] += w * w;
                for (int i = 0; i < K2; i++)
                    dot[j * K2 + i] += w * centers.Rows[i * D + d];
            }
        }
        for (int j = 0; j < H; j++)
        {
            g.Norm[j] = Math.Sqrt(g.Norm[j]);
            double vNorm = 0;
            for (int c = 0; c < C; c++)
            {
                double v = theta[shape.VOffset + (b * H + j) * C + c];
                vNorm += v * v;
            }
            g.V[j] = theta[shape.VOffset + b * H * C + j * C];
            g.Contribution[j] = Math.Sqrt(vNorm) * g.Norm[j];
            for (int i = 0; i < K2; i++)
                g.Cosine[j * K2 + i] = g.Norm[j] > 0 ? dot[j * K2 + i] / g.Norm[j] : 0;
        }
        return g;
    }

    /// <summary>The direction with the largest cosine with neuron j, and that cosine.</summary>
    public (int Index, double Cos) Nearest(int j)
    {
        int best = 0;
        for (int i = 1; i < Directions; i++)
        {
            if (Cos(j, i) > Cos(j, best))
                best = i;
        }
        return (best, Cos(j, best));
    }
}
