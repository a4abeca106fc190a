module qshrecipe

go 1.19
