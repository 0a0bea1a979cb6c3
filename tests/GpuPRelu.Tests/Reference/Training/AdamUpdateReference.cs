namespace GpuPRelu.Tests.Reference.Training;

/// <summary>torch.optim.Adam step t without weight decay: m = β1 m + (1−β1) g, v = β2 v + (1−β2) g²,
/// θ −= lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε) (docs/design.md §1 training, §3), float64.</summary>
internal static class AdamUpdateReference
{
    public static (double[] Theta, double[] M, double[] V) Run(double lr, double beta1, double beta2, double eps, int step,
        double[] theta, double[] dTheta, double[] m, double[] v)
    {
        int n = theta.Length;
        var (nextTheta, nextM, nextV) = (new double[n], new double[n], new double[n]);
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < n; i++)
        {
            nextM[i] = beta1 * m[i] + (1 - beta1) * dTheta[i];
            nextV[i] = beta2 * v[i] + (1 - beta2) * dTheta[i] * dTheta[i];
            nextTheta[i] = theta[i] - lr / bc1 * nextM[i] / (Math.Sqrt(nextV[i]) / Math.Sqrt(bc2) + eps);
        }
        return (nextTheta, nextM, nextV);
    }
}
