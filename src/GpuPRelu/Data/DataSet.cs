namespace GpuPRelu.Data;

/// <summary>N samples of D features, row-major, with class labels in 0..Classes−1 (binary: 1 = positive class).</summary>
public sealed record DataSet(float[] X, int[] Y, int Samples, int Inputs, int Classes)
{
    /// <summary>Mean of the rows, the MNIST runs' input center (DESIGN §1).</summary>
    public float[] MeanRow()
    {
        var mean = new double[Inputs];
        for (int n = 0; n < Samples; n++)
        {
            for (int d = 0; d < Inputs; d++)
                mean[d] += X[n * Inputs + d];
        }
        return [.. mean.Select(v => (float)(v / Samples))];
    }
}
