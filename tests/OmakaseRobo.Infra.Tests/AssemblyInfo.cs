// One jsii node process serves the whole test run; synthesize one stage at a time through it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
