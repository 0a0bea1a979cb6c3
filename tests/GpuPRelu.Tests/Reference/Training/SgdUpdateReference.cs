namespace GpuPRelu.Tests.Reference.Training;

/// <summary>θ − η·g (docs/design.md §1, gradient descent), float64.</summary>
internal static class SgdUpdateReference
{
    public static double[] Run(double lr, double[] theta, double[] dTheta)
    {
        var next = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++)
            next[i] = theta[i] - lr * dTheta[i];
        return next;
    }
}
