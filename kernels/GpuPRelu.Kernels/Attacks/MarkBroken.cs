using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/MarkBrokenReference.cs

/// <summary>broken[i] = 1 once row i is misclassified at any iterate (correct = 0 from LossGradient), and stays 1: an
/// adversarial example found is never lost (docs/attacks.md §4). Index over B·M.</summary>
public static class MarkBroken
{
    public static void Kernel(
        Index1D i,
        ArrayView<float> correct, // [B, M]
        ArrayView<int> broken)    // [B, M]
    {
        if (correct[i] == 0f)
            broken[i] = 1;
    }
}
