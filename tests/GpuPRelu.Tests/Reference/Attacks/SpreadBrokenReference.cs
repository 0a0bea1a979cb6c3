using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>Broken at a smaller radius ⇒ broken here (docs/design.md §1 attacks): rows radius-major, row = r·n + i.</summary>
internal static class SpreadBrokenReference
{
    public static int[] Run(BatchShape s, int points, int[] broken)
    {
        var next = (int[])broken.Clone(); // [B, M]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int i = 0; i < points; i++)
            {
                bool any = false;
                for (int r = 0; r < s.Samples / points; r++)
                {
                    any |= broken[b * s.Samples + r * points + i] != 0;
                    next[b * s.Samples + r * points + i] = any ? 1 : 0;
                }
            }
        }
        return next;
    }
}
