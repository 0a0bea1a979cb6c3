using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GpuPRelu.Kernels.Network;

/// <summary>Eight values of one tile row (or of a vector over the thread's eight tile columns).</summary>
[SuppressMessage("Design", "CA1051", Justification = "a register tile: mutable fields that ILGPU keeps in registers")]
public struct Row8
{
    public float C0, C1, C2, C3, C4, C5, C6, C7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Fma(float a, Row8 b)
    {
        C0 += a * b.C0;
        C1 += a * b.C1;
        C2 += a * b.C2;
        C3 += a * b.C3;
        C4 += a * b.C4;
        C5 += a * b.C5;
        C6 += a * b.C6;
        C7 += a * b.C7;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Dot(Row8 v) => C0 * v.C0 + C1 * v.C1 + C2 * v.C2 + C3 * v.C3 + C4 * v.C4 + C5 * v.C5 + C6 * v.C6 + C7 * v.C7;
}
