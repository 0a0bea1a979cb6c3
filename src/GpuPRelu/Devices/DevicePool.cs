namespace GpuPRelu.Devices;

/// <summary>One opened device per spec and one worker per device: Run hands queued work items, largest first, to whichever
/// worker is free, on that worker's device. Workers share nothing but the queue (DESIGN §5), so the same code runs one
/// worker on a laptop (`cpu:0`) and one per GPU on a node (DeviceSpec.ParseList("all")).</summary>
public sealed class DevicePool : IDisposable
{
    private int _running;

    /// <summary>Opens every device of `specs` (ComputeDevice.Open), in order. Throws ArgumentException for an empty list or
    /// a device named twice, and InvalidOperationException (naming the devices present) for an absent one; the devices
    /// already opened are closed again.</summary>
    public DevicePool(IReadOnlyList<DeviceSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        if (specs.Count == 0)
            throw new ArgumentException("a device pool needs at least one device", nameof(specs));
        if (specs.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"{twice.Key} is named {twice.Count()} times; each device runs one worker", nameof(specs));
        var opened = new List<ComputeDevice>();
        try
        {
            foreach (var spec in specs)
                opened.Add(ComputeDevice.Open(spec));
        }
        catch
        {
            foreach (var device in opened)
                device.Dispose();
            throw;
        }
        Devices = opened;
    }

    /// <summary>The open devices, one per worker, in the order of the specs.</summary>
    public IReadOnlyList<ComputeDevice> Devices { get; }

    /// <summary>Runs `work(item, device, token)` for every item, each exactly once, on the devices' workers (one thread per
    /// device): the queue holds the items by `size` descending (ties in list order), and a free worker takes the next.
    /// Returns when every item is done. When an item throws, or `cancel` fires, the workers take no further items (the
    /// token passed to the running ones is cancelled) and, once they have finished, Run throws: an AggregateException of
    /// every failure, else OperationCanceledException. Work that must not stop the others catches its own exceptions.
    /// One Run at a time per pool.</summary>
    public void Run<T>(IReadOnlyList<T> items, Func<T, double> size, Action<T, ComputeDevice, CancellationToken> work,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(work);
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("this pool is already running; one Run at a time");
        try
        {
            var queue = new Queue<T>(items.Select((item, i) => (item, i, size: size(item)))
                .OrderByDescending(x => x.size).ThenBy(x => x.i).Select(x => x.item));
            var failures = new List<Exception>();
            int done = 0;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var workers = Devices.Select(device => new Thread(() => Work(device, queue, failures, work, stop, ref done))
            {
                IsBackground = true,
                Name = $"gpuprelu worker {device.Spec}",
            }).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            if (failures.Count > 0)
                throw new AggregateException($"{failures.Count} work item(s) failed", failures);
            if (done < items.Count)
                throw new OperationCanceledException("the pool was cancelled before every item ran", cancel);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose()
    {
        foreach (var device in Devices)
            device.Dispose();
    }

    // one worker: the next item while there is one and nothing has failed or been cancelled
    private static void Work<T>(ComputeDevice device, Queue<T> queue, List<Exception> failures,
        Action<T, ComputeDevice, CancellationToken> work, CancellationTokenSource stop, ref int done)
    {
        while (true)
        {
            T item;
            lock (queue)
            {
                if (stop.IsCancellationRequested || !queue.TryDequeue(out item!))
                    return;
            }
            try
            {
                work(item, device, stop.Token);
                Interlocked.Increment(ref done);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                lock (queue)
                    failures.Add(ex);
                stop.Cancel();
                return;
            }
        }
    }
}
