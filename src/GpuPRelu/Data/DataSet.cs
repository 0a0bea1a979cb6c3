namespace GpuPRelu.Data;

/// <summary>N samples of D features, row-major, with class labels in 0..Classes−1 (binary: 1 = positive class).</summary>
public sealed record DataSet(float[] X, int[] Y, int Samples, int Inputs, int Classes)
{
    /// <summary>Mean of the rows, the MNIST runs' input center (docs/design.md §1).</summary>
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

    /// <summary>The first n rows (all of them when n ≥ Samples).</summary>
    public DataSet Head(int n) => n >= Samples ? this : new(X[..(n * Inputs)], Y[..n], n, Inputs, Classes);

    /// <summary>The given rows, in that order.</summary>
    public DataSet Rows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var x = new float[rows.Count * Inputs];
        for (int i = 0; i < rows.Count; i++)
            Array.Copy(X, rows[i] * Inputs, x, i * Inputs, Inputs);
        return new DataSet(x, [.. rows.Select(r => Y[r])], rows.Count, Inputs, Classes);
    }
}
