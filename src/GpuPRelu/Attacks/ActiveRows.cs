using GpuPRelu.Devices;

namespace GpuPRelu.Attacks;

/// <summary>Compaction of an attack's rows: broken rows cost nothing once they are dropped. Rows are kept by (radius,
/// point) — row j of every network is original row Rows[j] (radius-major r·m + i) — so one radius per row still serves
/// all networks; a row goes once it is broken in every network. Rows are independent (each moves along its own
/// gradient; the loss is a mean over a fixed reference batch), so dropping broken ones changes no verdict; nor does
/// dropping the rows of radius 0, whose iterate is their clean point at every step. Kept rows are
/// still marked broken where they break; spreading over radii, which needs the radius-major layout, runs on the host at
/// each check.</summary>
internal sealed class ActiveRows
{
    private readonly int _networks, _radii, _points, _inputs;
    private readonly int[] _broken; // [B, M] original layout, 1 = broken

    public ActiveRows(int networks, int radii, int points, int inputs)
    {
        (_networks, _radii, _points, _inputs) = (networks, radii, points, inputs);
        Rows = Enumerable.Range(0, radii * points).ToArray();
        _broken = new int[networks * radii * points];
    }

    /// <summary>Original row (r·m + i) of each compact row.</summary>
    public int[] Rows { get; private set; }

    /// <summary>Whether rows have been dropped (the layout is no longer radius-major).</summary>
    public bool Compacted => Rows.Length < _radii * _points;

    /// <summary>Reads the compact broken flags, spreads them over larger radii and, when at most `keep` of the current rows
    /// are still unbroken in some network, re-lays out the device buffers on those rows: u (current iterates) [B, M, D] and
    /// every `carried` per-row buffer [B, M, width] (an attack's state) from their current rows, the clean rows, labels and
    /// radii from the host copies. Returns the number of compact rows (0: all broken).</summary>
    public int Check(DeviceBuffer<int> broken, DeviceView<float> u, DeviceView<float> clean, DeviceView<int> labels,
        DeviceView<float> radius, float[] u0, int[] ym, float[] radii, double keep, params (DeviceView<float> View, int Width)[] carried)
    {
        int B = _networks, M = _radii * _points, Mc = Rows.Length, D = _inputs;
        var compact = Download<int>(broken.View, (long)B * Mc);
        Collect(compact);
        // a row at radius 0 cannot move (its ball is its clean point), so its verdict is final once its first forward pass
        // has marked it: it goes with the broken ones
        var active = Enumerable.Range(0, M)
            .Where(row => radii[row] > 0 && Enumerable.Range(0, B).Any(b => _broken[b * M + row] == 0)).ToArray();
        if (active.Length == 0)
            return 0;
        if (active.Length > keep * Mc)
        {
            // same rows: only pass the spread flags back, so rows broken at a smaller radius stop moving
            broken.Slice(0, (long)B * Mc).CopyFromHost(Gather(_broken, Rows, M, 1));
            return Mc;
        }
        var position = new int[M];
        for (int j = 0; j < Mc; j++)
            position[Rows[j]] = j;
        // compact positions of the rows that stay
        var kept = active.Select(row => position[row]).ToArray();
        foreach (var (view, width) in carried.Prepend((u, D)))
        {
            var next = Gather(Download(view, (long)B * Mc * width), kept, Mc, width);
            view.Slice(0, next.Length).CopyFromHost(next);
        }
        int Mn = active.Length;
        Rows = active;
        clean.Slice(0, (long)B * Mn * D).CopyFromHost(Gather(u0, Rows, M, D));
        labels.Slice(0, (long)B * Mn).CopyFromHost(Gather(ym, Rows, M, 1));
        radius.Slice(0, Mn).CopyFromHost(Rows.Select(row => radii[row]).ToArray());
        broken.Slice(0, (long)B * Mn).CopyFromHost(Gather(_broken, Rows, M, 1));
        return Mn;
    }

    /// <summary>Merges compact broken flags [B, Rows] into the original layout and spreads them to larger radii.</summary>
    public int[] Collect(int[] compact)
    {
        int B = _networks, M = _radii * _points, Mc = Rows.Length;
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < Mc; j++)
                _broken[b * M + Rows[j]] |= compact[b * Mc + j];
            for (int r = 1; r < _radii; r++)
            {
                for (int i = 0; i < _points; i++)
                    _broken[b * M + r * _points + i] |= _broken[b * M + (r - 1) * _points + i];
            }
        }
        return _broken;
    }

    /// <summary>The first n elements of a device view.</summary>
    public static T[] Download<T>(DeviceView<T> view, long n)
        where T : unmanaged
    {
        var host = new T[n];
        view.Slice(0, n).CopyToHost(host);
        return host;
    }

    /// <summary>x [B, M, width] restricted to `rows` of every network: [B, rows, width].</summary>
    public static T[] Gather<T>(T[] x, int[] rows, int M, int width)
    {
        int B = x.Length / (M * width);
        var y = new T[(long)B * rows.Length * width];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < rows.Length; j++)
                Array.Copy(x, ((long)b * M + rows[j]) * width, y, ((long)b * rows.Length + j) * width, width);
        }
        return y;
    }
}
