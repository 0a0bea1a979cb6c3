using ILGPU;

namespace GpuPRelu.Kernels.Training;

// Reference: tests/GpuPRelu.Tests/Reference/Training/SgdUpdateReference.cs

/// <summary>θ ← θ − η·g over the packed parameters of the whole batch (docs/design.md §1, gradient descent). Index over P.</summary>
public static class SgdUpdate
{
    public static void Kernel(
        Index1D i,
        float lr,
        ArrayView<float> theta,  // [P]
        ArrayView<float> dTheta) // [P]
    {
        theta[i] -= lr * dTheta[i];
    }
}
