// bare bcrypt verify [cost] [runs], as `OmakaseRobo.Benchmarks bcrypt [cost] [runs]` prints it
BareBcrypt.Run(["bcrypt", .. args]);
