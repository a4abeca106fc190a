module qshprobeapp

go 1.19

require qshrecipe v0.0.0

replace qshrecipe => ../../../recipes/go
