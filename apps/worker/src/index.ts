// Worker entry points for threads and processes arrive with the data-parallel trainer.
export {};
