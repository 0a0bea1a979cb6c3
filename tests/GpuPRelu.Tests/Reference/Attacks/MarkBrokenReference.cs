namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>broken ∨ (correct = 0): a row once misclassified stays broken.</summary>
internal static class MarkBrokenReference
{
    public static int[] Run(double[] correct, int[] broken) =>
        [.. broken.Select((was, i) => was != 0 || correct[i] == 0 ? 1 : 0)];
}
