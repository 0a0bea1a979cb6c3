using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Network;

/// <summary>Scalar pieces of the pReLU activation (docs/design.md §1), shared by the kernels.</summary>
public static class PReluMath
{
    /// <summary>ratio^e for ratio ≥ 0 and e ≥ 0; integer exponents up to 8 use multiplications, 0^0 = 1.</summary>
    public static float Pow(float ratio, float e)
    {
        if (e == 0f)
            return 1f;
        if (ratio <= 0f)
            return 0f;
        int k = (int)e;
        if (k == e && k <= 8)
        {
            float y = ratio;
            for (int i = 1; i < k; i++)
                y *= ratio;
            return y;
        }
        return XMath.Pow(ratio, e);
    }

    /// <summary>a = ReLU(z)·(ReLU(z)/scale)^(p−1) for column norm r and input norm q (docs/design.md §1).</summary>
    public static float Activate(float z, float r, float q, float p, int normalizeInput) =>
        z > 0f ? z * Pow(z / Scale(r, q, normalizeInput), p - 1f) : 0f;

    /// <summary>gz = δ·∂a/∂z = δ·p·(z/scale)^(p−1) for z &gt; 0, else 0 (relu'(0) = 0), scale as in Activate (docs/design.md
    /// §1 gradients).</summary>
    public static float Backward(float delta, float z, float r, float q, float p, int normalizeInput) =>
        z > 0f ? delta * p * Pow(z / Scale(r, q, normalizeInput), p - 1f) : 0f;

    /// <summary>The scale of z in a = z·(z/(r·q))^(p−1), with q = ‖u‖ only when the input is normalized.</summary>
    public static float Scale(float r, float q, int normalizeInput) => normalizeInput != 0 ? r * q : r;
}
