namespace GpuPRelu.Certification;

/// <summary>One test point before any perturbation, in float64: x, u = x − c, z0_j = ⟨w_j, u⟩ and Σ_d |w_jd·u_d| (the
/// size of z0's rounding error) [H].</summary>
internal sealed class PointState
{
    public PointState(MarginNetwork net, ReadOnlySpan<float> x)
    {
        int D = net.Inputs, H = net.Hidden;
        X = new double[D];
        U = new double[D];
        for (int d = 0; d < D; d++)
        {
            X[d] = x[d];
            U[d] = X[d] - net.Center[d];
        }
        Z0 = new double[H];
        AbsDot = new double[H];
        for (int j = 0; j < H; j++)
        {
            double z = 0, a = 0;
            for (int d = 0; d < D; d++)
            {
                double t = net.W[j * D + d] * U[d];
                z += t;
                a += Math.Abs(t);
            }
            Z0[j] = z;
            AbsDot[j] = a + Math.Abs(z);
        }
    }

    public double[] X { get; }
    public double[] U { get; }
    public double[] Z0 { get; }
    public double[] AbsDot { get; }
}
