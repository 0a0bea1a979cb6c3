using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>The seeds of the tests' random data: fixed, several per property, in the theory rows (so every failure names
/// its seed, as the row's `seed` argument), and the same verdict every run. GPUPRELU_SOAK=1 adds one seed drawn at
/// start-up and printed on stderr, for an opt-in randomized soak; a failure under it names that seed too.</summary>
public static class Seeds
{
    /// <summary>Set to 1 to add a drawn seed to every seeded theory.</summary>
    public const string SoakVariable = "GPUPRELU_SOAK";

    /// <summary>Set to 1 for the long runs: every fixed seed on ILGPU's CPU accelerator too (ilgpu-cpu, ilgpu-tiled),
    /// and ParserFuzzTests' full corpus. By default those simulated devices run the first seed of a seeded theory (the
    /// managed cpu device and CUDA run all of them): they execute the same kernels many times slower.</summary>
    public const string LongVariable = "GPUPRELU_LONG_TESTS";

    public static bool LongRuns { get; } = Environment.GetEnvironmentVariable(LongVariable) == "1";

    /// <summary>The fixed seeds (each test's assertions hold for every one of them; checked when they were chosen).</summary>
    public static readonly int[] Fixed = [7, 123, 901];

    /// <summary>The seed drawn for a soak run (0 without one).</summary>
    public static readonly int Drawn = Draw();

    /// <summary>The seeds every seeded theory runs: Fixed, plus Drawn under GPUPRELU_SOAK=1.</summary>
    public static int[] All => Drawn == 0 ? Fixed : [.. Fixed, Drawn];

    /// <summary>One row per seed.</summary>
    public static TheoryData<int> Data => [.. All];

    /// <summary>Every device of DeviceFixture.Devices × every seed.</summary>
    public static TheoryData<string, int> Devices => Cross(DeviceFixture.Devices);

    /// <summary>Every device of DeviceFixture.DevicesAndTiled × every seed.</summary>
    public static TheoryData<string, int> DevicesAndTiled => Cross(DeviceFixture.DevicesAndTiled);

    /// <summary>Each row of `rows` once per seed of its device (the seed last).</summary>
    public static TheoryData<T, int> Cross<T>(TheoryData<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = new TheoryData<T, int>();
        foreach (var row in rows)
        {
            var first = ((ITheoryDataRow)row).GetData()[0];
            foreach (int seed in SeedsOf(first))
                data.Add((T)first!, seed);
        }
        return data;
    }

    /// <summary>Each row of `rows` once per seed of its device (the seed last).</summary>
    public static TheoryData<T1, T2, int> Cross<T1, T2>(TheoryData<T1, T2> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = new TheoryData<T1, T2, int>();
        foreach (var row in rows)
        {
            var values = ((ITheoryDataRow)row).GetData();
            foreach (int seed in SeedsOf(values[0]))
                data.Add((T1)values[0]!, (T2)values[1]!, seed);
        }
        return data;
    }

    /// <summary>Each row of `rows` once per seed of its device (the seed last).</summary>
    public static TheoryData<T1, T2, T3, int> Cross<T1, T2, T3>(TheoryData<T1, T2, T3> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = new TheoryData<T1, T2, T3, int>();
        foreach (var row in rows)
        {
            var values = ((ITheoryDataRow)row).GetData();
            foreach (int seed in SeedsOf(values[0]))
                data.Add((T1)values[0]!, (T2)values[1]!, (T3)values[2]!, seed);
        }
        return data;
    }

    /// <summary>Each row of `rows` once per seed of its device (the seed last).</summary>
    public static TheoryData<T1, T2, T3, T4, int> Cross<T1, T2, T3, T4>(TheoryData<T1, T2, T3, T4> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = new TheoryData<T1, T2, T3, T4, int>();
        foreach (var row in rows)
        {
            var values = ((ITheoryDataRow)row).GetData();
            foreach (int seed in SeedsOf(values[0]))
                data.Add((T1)values[0]!, (T2)values[1]!, (T3)values[2]!, (T4)values[3]!, seed);
        }
        return data;
    }

    /// <summary>A theory's own seeds for its rows on `device`, by the rule of Cross: every one on the managed cpu device and
    /// CUDA, the first one on ILGPU's CPU accelerator unless LongRuns.</summary>
    public static int[] Of(object? device, params int[] seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        return Emulated(device) ? [seeds[0]] : seeds;
    }

    /// <summary>The seeds of a row whose first value is `first`: one on ILGPU's CPU accelerator unless LongRuns, else All.</summary>
    private static int[] SeedsOf(object? first) =>
        Emulated(first) ? Drawn == 0 ? [Fixed[0]] : [Fixed[0], Drawn] : All;

    /// <summary>True for ILGPU's CPU accelerator (ilgpu-cpu, ilgpu-tiled) unless LongRuns: it runs the same kernels many
    /// times slower (every launch is a hand-off between its threads; every ilgpu-tiled launch synchronizes 256 of them), so
    /// there a test runs its shorter default: one seed, and what CONTRIBUTING.md lists.</summary>
    public static bool Emulated(object? device) => !LongRuns && device is "ilgpu-cpu" or "ilgpu-tiled";

    /// <summary>A fixed seed for a case known by its settings (the network kernels' rows, one seed each, so the rows of
    /// one kernel cover several seeds); under a soak, shifted by the drawn seed.</summary>
    public static int For(params int[] settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int hash = 17;
        foreach (int s in settings)
            hash = unchecked(hash * 31 + s);
        return Fixed[(int)((uint)hash % Fixed.Length)] + unchecked(hash & 0xFFFF) + Drawn;
    }

    private static int Draw()
    {
        if (Environment.GetEnvironmentVariable(SoakVariable) != "1")
            return 0;
        int seed = System.Random.Shared.Next(1, 1_000_000);
        Console.Error.WriteLine($"{SoakVariable}=1: every seeded test also runs seed {seed}");
        return seed;
    }
}
