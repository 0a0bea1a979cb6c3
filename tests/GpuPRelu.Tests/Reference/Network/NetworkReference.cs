using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Reference.Training;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>The whole network in float64, composed from the per-kernel references: the summed loss of every row of every
/// network, and its gradient with respect to θ and u by the backward references (checked against finite differences).</summary>
internal static class NetworkReference
{
    public static double Loss(BatchShape s, LossSpec spec, double[] theta, double[] p, double[] u, int[] ym)
    {
        var (_, _, _, f) = Forward(s, theta, p, u);
        var (_, loss, _) = LossGradientReference.Run(s, spec, f, ym);
        return spec.Scale * loss.Sum();
    }

    public static (double[] DTheta, double[] DU) Gradient(BatchShape s, LossSpec spec, double[] theta, double[] p, double[] u,
        int[] ym)
    {
        var (r, q, (z, a), f) = Forward(s, theta, p, u);
        var (g, _, _) = LossGradientReference.Run(s, spec, f, ym);
        var (dV, dBias) = OutputBackwardReference.Run(s, a, g);
        var (gz, t) = HiddenBackwardReference.Run(s, theta, p, r, q, z, a, g);
        var dW = WeightBackwardReference.Run(s, u, theta, p, r, gz, t);
        var dTheta = new double[s.ParameterCount];
        dW.CopyTo(dTheta, 0);
        dV.CopyTo(dTheta, s.VOffset);
        dBias.CopyTo(dTheta, s.BiasOffset);
        return (dTheta, InputBackwardReference.Run(s, u, theta, p, q, gz, t));
    }

    public static (double[] R, double[] Q, (double[] Z, double[] A) Hidden, double[] F) Forward(BatchShape s, double[] theta,
        double[] p, double[] u)
    {
        var r = ColumnNormsReference.Run(s, theta);
        var q = InputNormsReference.Run(s, u);
        var hidden = PReluForwardReference.Run(s, u, theta, p, r, q);
        return (r, q, hidden, OutputForwardReference.Run(s, hidden.A, theta));
    }
}
