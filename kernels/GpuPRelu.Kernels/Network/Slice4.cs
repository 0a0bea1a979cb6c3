using System.Diagnostics.CodeAnalysis;
namespace GpuPRelu.Kernels.Network;

/// <summary>Four staged elements of one thread (registers, not an array: ILGPU would put an array in local memory).</summary>
[SuppressMessage("Design", "CA1051", Justification = "a register tile: mutable fields that ILGPU keeps in registers")]
public struct Slice4
{
    public float V0, V1, V2, V3;

    public void Add(Slice4 o)
    {
        V0 += o.V0;
        V1 += o.V1;
        V2 += o.V2;
        V3 += o.V3;
    }
}
