using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/SpreadBrokenReference.cs

/// <summary>Robustness is monotone in the radius (docs/design.md §1 attacks): a point broken at radius r is broken at every larger
/// one, so it is marked there and no longer attacked. Rows are radius-major within a network (row = r·n + i, radii
/// ascending); `points` = n. Index over B·n.</summary>
public static class SpreadBroken
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        int points,
        ArrayView<int> broken) // [B, M] with M = R·n
    {
        int b = i / points, k = i % points, row0 = b * s.Samples + k;
        int radii = s.Samples / points;
        for (int r = 1; r < radii; r++)
        {
            if (broken[row0 + (r - 1) * points] != 0)
                broken[row0 + r * points] = 1;
        }
    }
}
