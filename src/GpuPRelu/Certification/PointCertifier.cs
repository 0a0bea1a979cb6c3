namespace GpuPRelu.Certification;

/// <summary>The certified radius of one point (docs/certify.md §4): the largest ε at which every margin's bound is proven
/// positive, by bisection (certified at ε implies certified at every smaller ε, the set only shrinks), from a bracket
/// around the first-order estimate margin/‖∇margin‖_*. At each ε every margin (one output: y·f; C outputs: f_y − f_t per
/// t ≠ y) gets the optimized bound and, when that fails and the budget allows, branch and bound.</summary>
internal sealed class PointCertifier
{
    private readonly MarginNetwork _net;
    private readonly PointState _point;
    private readonly CertifyOptions _options;
    private readonly MarginBound[] _margins;
    private readonly double[][] _warm; // [targets][H] the root's last best parameters, the next radius's start
    private readonly double _estimate;
    private readonly bool _correct;

    // the ascent steps of the checks after a screen's candidate, in units of CertifyOptions.Iterations
    private const int Patience = 2;

    public PointCertifier(MarginNetwork net, ReadOnlySpan<float> x, int label, CertifyOptions options)
    {
        (_net, _options) = (net, options);
        _point = new PointState(net, x);
        int H = net.Hidden, C = net.Outputs;
        var margins = net.Margins(_point.U, label);
        _correct = margins.All(m => m > 0);
        var targets = C == 1 ? [0] : Enumerable.Range(0, C).Where(t => t != label).ToArray();
        _margins = new MarginBound[targets.Length];
        _warm = new double[targets.Length][];
        _estimate = double.PositiveInfinity;
        for (int i = 0; i < targets.Length; i++)
        {
            int t = targets[i];
            double sign = label == 1 ? 1 : -1;
            var c = new double[H];
            for (int j = 0; j < H; j++)
                c[j] = C == 1 ? sign * net.Coef[j] : net.Coef[j * C + label] - net.Coef[j * C + t];
            double bias = C == 1 ? sign * net.Bias[0] : net.Bias[label] - net.Bias[t];
            _margins[i] = new MarginBound(net, _point, c, bias);
            // tangents at the clean pre-activations (p = 1: the slope there), the unperturbed relaxation's exact point
            _warm[i] = [.. _point.Z0.Select(z => net.P == 1 ? (z > 0 ? 1.0 : 0.0) : z)];
            _estimate = Math.Min(_estimate, (C == 1 ? margins[0] : margins[t]) / GradientDual(c));
        }
    }

    /// <summary>The point's float64 state (x, u, z0): the device screen's inputs.</summary>
    public PointState Point => _point;

    /// <summary>Whether the float64 margins at the point itself are all positive.</summary>
    public bool Correct => _correct;

    /// <summary>Where the search on ε starts: the first-order estimate min over margins of m/‖∇m‖_* (1 where that is not a
    /// positive number).</summary>
    public double Start => double.IsFinite(_estimate) && _estimate > 0 ? _estimate : 1;

    /// <summary>The certified radius and how it was proven: "misclassified" (0: the float64 margin is not positive),
    /// "crown" (the optimized bound alone), "branch-and-bound" (the bound at the radius needed branches).</summary>
    public CertifiedPoint Run()
    {
        if (!_correct)
            return new(0, "misclassified");
        double lo = 0, hi = Start;
        bool branched = false;
        // bracket: grow hi until a check fails (the bound is lost at the true radius at the latest)
        for (int grow = 0; grow < 60 && Check(hi, out bool b); grow++)
            (lo, hi, branched) = (hi, 2 * hi, b);
        return Bisect(lo, hi, branched, _options.Iterations);
    }

    /// <summary>Run from a screen's candidate (docs/certify.md §6): the radius `candidate` that the float32 device bound
    /// (CrownBound, default tangents) found positive. The float64 check decides: where it proves the candidate, the search
    /// climbs from there in doubling steps from 2·RelativeWidth·candidate (the optimized bound reaches at least as far as
    /// the screen's, often a little farther) and bisects; where it does not (float32 rounding, or no candidate), Run().</summary>
    public CertifiedPoint Run(double candidate)
    {
        if (!_correct)
            return new(0, "misclassified");
        if (!(candidate > 0) || !double.IsFinite(candidate))
            return Run();
        // the host alone checks the first-order estimate first, which usually fails and leaves the bound's parameters
        // adapted to a radius past the threshold, where the last checks happen: the same start here
        double lo = candidate;
        bool branched;
        if (Start > candidate && Check(Start, out bool atStart))
            (lo, branched) = (Start, atStart);
        else if (!Check(candidate, out branched))
            return Run();
        // the few checks left near the threshold get Patience times the ascent steps (a check that passes stops early):
        // the parameters have had fewer radii to carry over from than on the host's longer search
        int iterations = Patience * _options.Iterations;
        double step = 2 * _options.RelativeWidth * lo;
        for (int grow = 0; grow < 60 && Check(lo + step, out bool b, iterations); grow++)
            (lo, step, branched) = (lo + step, 2 * step, b);
        return Bisect(lo, lo + step, branched, iterations);
    }

    // bisection of [lo, hi] (lo proven, hi not) to the relative width or the step limit; the largest proven ε is the radius
    private CertifiedPoint Bisect(double lo, double hi, bool branched, int iterations)
    {
        for (int step = 0; step < _options.BisectionSteps && hi - lo > _options.RelativeWidth * hi; step++)
        {
            double mid = 0.5 * (lo + hi);
            if (Check(mid, out bool b, iterations))
                (lo, branched) = (mid, b);
            else
                hi = mid;
        }
        return new(lo, branched ? "branch-and-bound" : "crown");
    }

    /// <summary>Whether every margin is proven positive on the ε-set; `branched`: some margin needed branching.</summary>
    public bool Check(double eps, out bool branched) => Check(eps, out branched, _options.Iterations);

    // Check with `iterations` ascent steps per branch
    private bool Check(double eps, out bool branched, int iterations)
    {
        branched = false;
        var set = new PerturbationSet(_net, _point, _options.Norm, _options.BoxLo, _options.BoxHi, eps);
        for (int i = 0; i < _margins.Length; i++)
        {
            _options.Cancel.ThrowIfCancellationRequested();
            if (!CheckMargin(i, set, iterations, ref branched))
                return false;
        }
        return true;
    }

    private bool CheckMargin(int i, PerturbationSet set, int iterations, ref bool branched)
    {
        var bound = _margins[i];
        var root = new Domain((double[])set.Lo.Clone(), (double[])set.Hi.Clone(), _warm[i]);
        bound.Optimize(root, set, iterations, stopPositive: true);
        _warm[i] = root.Alpha;
        if (root.Bound > 0)
            return true;
        if (_options.Branches <= 1)
            return false;
        // best-first: the branch with the lowest bound splits next, until every branch is proven or the budget is spent
        var open = new PriorityQueue<Domain, double>();
        open.Enqueue(root, root.Bound);
        int used = 1;
        while (open.TryDequeue(out var worst, out _))
        {
            _options.Cancel.ThrowIfCancellationRequested();
            var (neuron, at) = bound.Branch(worst);
            if (neuron < 0 || used + 2 > _options.Branches)
                return false;
            foreach (int side in (int[])[-1, 1])
            {
                var child = worst.Child(new Split(neuron, side, at));
                bound.Optimize(child, set, iterations, stopPositive: true);
                used++;
                if (!(child.Bound > 0))
                    open.Enqueue(child, child.Bound);
            }
        }
        branched = true;
        return true;
    }

    // ‖∇m‖_* at the clean point, ∇m = Σ_j c_j·σ'(z0_j)·w_j (the first-order distance to the boundary is m/‖∇m‖_*)
    private double GradientDual(double[] c)
    {
        int D = _net.Inputs;
        var g = new double[D];
        for (int j = 0; j < _net.Hidden; j++)
        {
            double z = _point.Z0[j];
            if (z <= 0 || c[j] == 0)
                continue;
            double slope = c[j] * _net.P * _net.Sigma(z) / z;
            for (int d = 0; d < D; d++)
                g[d] += slope * _net.W[j * D + d];
        }
        return _options.Norm switch
        {
            Attacks.AttackNorm.L2 => Math.Sqrt(g.Sum(v => v * v)),
            Attacks.AttackNorm.Linf => g.Sum(Math.Abs),
            _ => g.Max(Math.Abs),
        };
    }
}
