using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Theory rows shared by the network kernel tests: every device × outputs (binary, 3 classes) × bias × input
/// normalization. The exponents p ∈ {1, 1.5, 2, 3, 4} are the networks of each case's batch.</summary>
public static class Cases
{
    public static TheoryData<string, int, int, int> Network => Settings([.. DeviceFixture.Devices.Select(d => (string)d.Data)]);

    /// <summary>The tiled kernels (the GPU path) on ILGPU's CPU accelerator, "ilgpu-tiled"; on CUDA they run under the
    /// device's own rows of Network. By default the 4 settings in which every pair of two settings' values meets (outputs
    /// 3, bias and normalize taken as bits, those whose bits sum to an even number), all 8 under GPUPRELU_LONG_TESTS=1:
    /// every slice of a tile costs the emulator two 256-thread barriers.</summary>
    public static TheoryData<string, int, int, int> Tiled => Settings(["ilgpu-tiled"], pairwise: Seeds.Emulated("ilgpu-tiled"));

    private static TheoryData<string, int, int, int> Settings(string[] devices, bool pairwise = false)
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var device in devices)
        {
            foreach (int outputs in new[] { 1, 3 })
            {
                for (int bias = 0; bias <= 1; bias++)
                {
                    for (int normalize = 0; normalize <= 1; normalize++)
                    {
                        if (!pairwise || ((outputs == 3 ? 1 : 0) + bias + normalize) % 2 == 0)
                            data.Add(device, outputs, bias, normalize);
                    }
                }
            }
        }
        return data;
    }
}
