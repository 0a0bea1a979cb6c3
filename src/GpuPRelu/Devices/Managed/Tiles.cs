namespace GpuPRelu.Devices.Managed;

/// <summary>Splits B networks × `rows` rows into tasks of whole 4-row blocks, enough of them to keep every core busy.</summary>
internal readonly record struct Tiles(int Networks, int Rows, int RowsPerTask)
{
    public int TasksPerNetwork => (Rows + RowsPerTask - 1) / RowsPerTask;

    public int Count => Networks * TasksPerNetwork;

    public static Tiles For(int networks, int rows)
    {
        int wanted = 4 * Environment.ProcessorCount;
        int perNetwork = Math.Max(1, (wanted + networks - 1) / networks);
        int rowsPerTask = Math.Max(4, (rows + perNetwork - 1) / perNetwork);
        rowsPerTask = (rowsPerTask + 3) / 4 * 4;
        return new Tiles(networks, rows, rowsPerTask);
    }

    /// <summary>Network and row range [Begin, End) of task t.</summary>
    public (int B, int Begin, int End) Task(int t)
    {
        int b = t / TasksPerNetwork, begin = t % TasksPerNetwork * RowsPerTask;
        return (b, begin, Math.Min(Rows, begin + RowsPerTask));
    }
}
